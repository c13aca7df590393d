/* GStreamer RTCBot elements
 * Copyright (C) 2026 gst-rtcbot developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */


/* The video ladder's plan: which layer each peer receives and each
 * layer's bitrate, from the peers' estimates; and each layer's level
 * (frame rate and size) for its bitrate. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "../../../ext/webrtc/gstrtcbotladder.h"

static guint
plan (GstRtcbotLadderPeer * peers, guint n, guint * bitrates)
{
  return gst_rtcbot_ladder_plan (peers, n, bitrates);
}

static void
set_peers (GstRtcbotLadderPeer * peers, const guint * videos, guint n)
{
  guint i;

  for (i = 0; i < n; i++) {
    peers[i].video = videos[i];
    peers[i].current = -1;
    peers[i].may_move = TRUE;
    peers[i].layer = -1;
  }
}

GST_START_TEST (test_good_links_share_one_encoding)
{
  const guint videos[] = { 1500000, 1300000, 1400000, 1250000 };
  GstRtcbotLadderPeer peers[G_N_ELEMENTS (videos)];
  guint bitrates[GST_RTCBOT_LADDER_MAX_LAYERS], i;

  set_peers (peers, videos, G_N_ELEMENTS (videos));
  fail_unless_equals_int (plan (peers, G_N_ELEMENTS (videos), bitrates), 1);
  for (i = 0; i < G_N_ELEMENTS (videos); i++)
    fail_unless_equals_int (peers[i].layer, 0);
  /* nobody is sent more than its link carries */
  fail_unless_equals_int (bitrates[0], 1250000);
  fail_unless_equals_int (bitrates[1], 0);
  fail_unless_equals_int (bitrates[2], 0);
}

GST_END_TEST;

GST_START_TEST (test_falling_link_does_not_drag_the_others)
{
  /* a link on its way down, still above the start bitrate */
  const guint videos[] = { 1500000, 803000 };
  GstRtcbotLadderPeer peers[2];
  guint bitrates[GST_RTCBOT_LADDER_MAX_LAYERS];

  set_peers (peers, videos, 2);
  fail_unless_equals_int (plan (peers, 2, bitrates), 2);
  fail_unless_equals_int (peers[1].layer, 1);
  fail_unless_equals_int (bitrates[0], 1500000);
  fail_unless_equals_int (bitrates[1], 803000);
}

GST_END_TEST;

GST_START_TEST (test_narrow_link_gets_its_own_layer)
{
  const guint videos[] = { 340000, 1500000 };
  GstRtcbotLadderPeer peers[2];
  guint bitrates[GST_RTCBOT_LADDER_MAX_LAYERS];

  set_peers (peers, videos, 2);
  fail_unless_equals_int (plan (peers, 2, bitrates), 2);
  fail_unless_equals_int (peers[0].layer, 1);
  fail_unless_equals_int (peers[1].layer, 0);
  /* the free viewer keeps its bitrate */
  fail_unless_equals_int (bitrates[0], 1500000);
  fail_unless_equals_int (bitrates[1], 340000);
}

GST_END_TEST;

GST_START_TEST (test_close_estimates_share_a_layer)
{
  /* within GST_RTCBOT_LADDER_FIT of each other */
  const guint videos[] = { 500000, 450000, 1500000 };
  GstRtcbotLadderPeer peers[3];
  guint bitrates[GST_RTCBOT_LADDER_MAX_LAYERS];

  set_peers (peers, videos, 3);
  fail_unless_equals_int (plan (peers, 3, bitrates), 2);
  fail_unless_equals_int (peers[0].layer, 1);
  fail_unless_equals_int (peers[1].layer, 1);
  fail_unless_equals_int (peers[2].layer, 0);
  fail_unless_equals_int (bitrates[1], 450000);
}

GST_END_TEST;

GST_START_TEST (test_last_layer_takes_the_rest)
{
  const guint videos[] = { 1500000, 600000, 300000, 150000, 100000 };
  GstRtcbotLadderPeer peers[G_N_ELEMENTS (videos)];
  guint bitrates[GST_RTCBOT_LADDER_MAX_LAYERS];

  set_peers (peers, videos, G_N_ELEMENTS (videos));
  fail_unless_equals_int (plan (peers, G_N_ELEMENTS (videos), bitrates),
      GST_RTCBOT_LADDER_MAX_LAYERS);
  fail_unless_equals_int (peers[0].layer, 0);
  fail_unless_equals_int (peers[1].layer, 1);
  fail_unless_equals_int (peers[2].layer, 2);
  fail_unless_equals_int (peers[3].layer, 2);
  fail_unless_equals_int (peers[4].layer, 2);
  /* the lowest of them, so that none is sent more than it can take */
  fail_unless_equals_int (bitrates[2], 100000);
}

GST_END_TEST;

GST_START_TEST (test_recent_move_keeps_layer)
{
  const guint videos[] = { 1500000, 1400000 };
  GstRtcbotLadderPeer peers[2];
  guint bitrates[GST_RTCBOT_LADDER_MAX_LAYERS];

  /* the second peer's link recovered, but it moved a moment ago */
  set_peers (peers, videos, 2);
  peers[1].current = 1;
  peers[1].may_move = FALSE;
  fail_unless_equals_int (plan (peers, 2, bitrates), 2);
  fail_unless_equals_int (peers[1].layer, 1);
  fail_unless_equals_int (bitrates[0], 1500000);
  fail_unless_equals_int (bitrates[1], 1400000);

  /* once it may move, it joins the others */
  peers[1].may_move = TRUE;
  fail_unless_equals_int (plan (peers, 2, bitrates), 1);
  fail_unless_equals_int (peers[1].layer, 0);
  fail_unless_equals_int (bitrates[0], 1400000);

  /* and down is never held back */
  peers[1].current = 0;
  peers[1].may_move = FALSE;
  peers[1].video = 300000;
  fail_unless_equals_int (plan (peers, 2, bitrates), 2);
  fail_unless_equals_int (peers[1].layer, 1);
}

GST_END_TEST;

GST_START_TEST (test_no_peers)
{
  guint bitrates[GST_RTCBOT_LADDER_MAX_LAYERS] = { 1, 1, 1 };

  fail_unless_equals_int (plan (NULL, 0, bitrates), 0);
  fail_unless_equals_int (bitrates[0], 0);
  fail_unless_equals_int (bitrates[1], 0);
  fail_unless_equals_int (bitrates[2], 0);
}

GST_END_TEST;

#define SECOND G_USEC_PER_SEC
#define FULL_BITRATE 800000

/* the level a 640x480 30 fps input gets from @state at @bitrate, @now */
static gint
level_at (GstRtcbotLadderLevelState * state, guint bitrate, gint64 now)
{
  return gst_rtcbot_ladder_choose_level (state, bitrate, FULL_BITRATE, 640,
      480, 30.0, now);
}

/* Each level gets about 0.12 bit per pixel: the frame rate is halved
 * first, then the size; start-bitrate and above sends the input as it is,
 * whatever its size. */
GST_START_TEST (test_level_for_bitrate)
{
  const guint bitrates[] = { 2000000, 800000, 600000, 300000, 150000, 50000 };
  const gint levels[] = { 0, 0, 1, 2, 3, 4 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bitrates); i++) {
    GstRtcbotLadderLevelState state = { 0, 0, 0 };

    fail_unless_equals_int (level_at (&state, bitrates[i], 10 * SECOND),
        levels[i]);
    fail_unless_equals_int (state.level, levels[i]);
  }
  {
    GstRtcbotLadderLevelState state = { 4, 0, 0 };

    fail_unless_equals_int (gst_rtcbot_ladder_choose_level (&state,
            2 * FULL_BITRATE, FULL_BITRATE, 1920, 1080, 60.0, SECOND), 0);
  }
}

GST_END_TEST;

/* Up only with 30 % of room over what the level needs. */
GST_START_TEST (test_level_up_needs_room)
{
  GstRtcbotLadderLevelState state = { 2, 0, 0 };

  /* level 1 needs about 553 kbit/s, so 719 with the room */
  fail_unless_equals_int (level_at (&state, 600000, 10 * SECOND), 2);
  fail_unless_equals_int (level_at (&state, 730000, 10 * SECOND), 1);
}

GST_END_TEST;

/* A further step the same way waits 1 s, going back the other way 2 s:
 * a recovering link is not walked through every level at the pace of one
 * that flaps. */
GST_START_TEST (test_level_intervals)
{
  GstRtcbotLadderLevelState state = { 3, 0, 0 };
  gint64 t = 100 * SECOND;

  fail_unless_equals_int (level_at (&state, 400000, t), 2);
  fail_unless_equals_int (state.step, -1);
  fail_unless_equals_int (level_at (&state, 2000000, t + SECOND / 2), 2);
  fail_unless_equals_int (level_at (&state, 2000000, t + SECOND + 1), 0);
  t += SECOND + 1;
  fail_unless_equals_int (level_at (&state, 150000, t + 3 * SECOND / 2), 0);
  fail_unless_equals_int (level_at (&state, 150000, t + 2 * SECOND + 1), 3);
  fail_unless_equals_int (state.step, 1);
  t += 2 * SECOND + 1;
  fail_unless_equals_int (level_at (&state, 50000, t + SECOND + 1), 4);
  fail_unless_equals_int (state.changed, t + SECOND + 1);
}

GST_END_TEST;

static Suite *
rtcbotladder_suite (void)
{
  Suite *s = suite_create ("rtcbotladder");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_good_links_share_one_encoding);
  tcase_add_test (tc, test_falling_link_does_not_drag_the_others);
  tcase_add_test (tc, test_narrow_link_gets_its_own_layer);
  tcase_add_test (tc, test_close_estimates_share_a_layer);
  tcase_add_test (tc, test_last_layer_takes_the_rest);
  tcase_add_test (tc, test_recent_move_keeps_layer);
  tcase_add_test (tc, test_no_peers);
  tcase_add_test (tc, test_level_for_bitrate);
  tcase_add_test (tc, test_level_up_needs_room);
  tcase_add_test (tc, test_level_intervals);
  return s;
}

GST_CHECK_MAIN (rtcbotladder);
