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


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcbotladder.h"

const GstRtcbotLadderLevel
    gst_rtcbot_ladder_levels[GST_RTCBOT_LADDER_LEVELS] = {
  {1, 1}, {1, 2}, {2, 1}, {2, 2}, {4, 2}
};

/* Bits per pixel a level needs. VP8 at its coarsest quantizer still
 * spends about 0.09 on a moving 640x480 picture, more on smaller ones and
 * on keyframes; a level whose encoder overshoots its bitrate fills the
 * queue it was chosen to avoid. */
#define LEVEL_BITS_PER_PIXEL 0.12
/* a higher level is taken only with this much room, and a level holds
 * this long before going back the other way: each change costs a
 * keyframe */
#define LEVEL_UP_MARGIN 1.3
#define LEVEL_MIN_INTERVAL_US (2 * G_USEC_PER_SEC)
/* a further change the same way, a link still recovering or shrinking,
 * comes sooner: only going back and forth is what the interval is for */
#define LEVEL_ONWARD_INTERVAL_US (G_USEC_PER_SEC)

static gint
by_video_descending (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const GstRtcbotLadderPeer *peers = user_data;
  guint va = peers[*(const guint *) a].video;
  guint vb = peers[*(const guint *) b].video;

  return va < vb ? 1 : va > vb ? -1 : 0;
}

/* Sets each peer's layer and returns the number of layers in use; each
 * layer's bitrate, the lowest of its peers' so that no peer is sent more
 * than its link carries, is written to @bitrates (0 for a layer without
 * peers).
 *
 * Peers are taken from the best-connected down. A new layer starts at a
 * peer below GST_RTCBOT_LADDER_FIT of the current layer's first peer: the
 * peers of one layer are never sent much less than their links carry,
 * and peers on similar links (all viewers on good links, say) share one
 * encoding. The last layer takes all the rest. A peer that may not move
 * up yet keeps its layer; moving down is never held back (its link no
 * longer carries its layer). */
guint
gst_rtcbot_ladder_plan (GstRtcbotLadderPeer * peers, guint n_peers,
    guint bitrates[GST_RTCBOT_LADDER_MAX_LAYERS])
{
  guint *order = g_new (guint, MAX (n_peers, 1));
  guint i, used = 0, layer = 0;
  gdouble anchor = 0;

  for (i = 0; i < GST_RTCBOT_LADDER_MAX_LAYERS; i++)
    bitrates[i] = 0;
  for (i = 0; i < n_peers; i++)
    order[i] = i;
  g_qsort_with_data (order, n_peers, sizeof (guint), by_video_descending,
      peers);

  for (i = 0; i < n_peers; i++) {
    GstRtcbotLadderPeer *peer = &peers[order[i]];

    if (i == 0) {
      anchor = peer->video;
    } else if (layer + 1 < GST_RTCBOT_LADDER_MAX_LAYERS
        && peer->video < GST_RTCBOT_LADDER_FIT * anchor) {
      layer++;
      anchor = peer->video;
    }
    peer->layer = layer;
    if (!peer->may_move && peer->current > (gint) layer)
      peer->layer = MIN (peer->current, GST_RTCBOT_LADDER_MAX_LAYERS - 1);
  }

  for (i = 0; i < n_peers; i++) {
    guint *bitrate = &bitrates[peers[i].layer];

    if (*bitrate == 0 || peers[i].video < *bitrate)
      *bitrate = peers[i].video;
    used = MAX (used, (guint) peers[i].layer + 1);
  }
  g_free (order);
  return used;
}

/* The level for @bitrate of a @width × @height input at @fps frames a
 * second, given @state; a change is written to @state. At or above
 * @full_bitrate (start-bitrate: what a link is trusted with before any
 * feedback) the video is sent as captured: bits per pixel of a worst-case
 * picture say nothing about a camera's, and only a link found to be
 * narrower is a reason to give up frames or pixels. */
gint
gst_rtcbot_ladder_choose_level (GstRtcbotLadderLevelState * state,
    guint bitrate, guint full_bitrate, gint width, gint height, gdouble fps,
    gint64 now)
{
  gint level, step;

  if (width <= 0 || height <= 0 || fps <= 0)
    return state->level;
  if (state->changed && now - state->changed < LEVEL_ONWARD_INTERVAL_US)
    return state->level;
  for (level = 0; level < GST_RTCBOT_LADDER_LEVELS - 1; level++) {
    const GstRtcbotLadderLevel *l = &gst_rtcbot_ladder_levels[level];
    gdouble need = (gdouble) (width / l->size_divisor) *
        (height / l->size_divisor) * (fps / l->rate_divisor) *
        LEVEL_BITS_PER_PIXEL;

    need = MIN (need, full_bitrate);
    if (bitrate >= need * (level < state->level ? LEVEL_UP_MARGIN : 1.0))
      break;
  }
  if (level == state->level)
    return level;
  step = level < state->level ? -1 : 1;
  if (state->changed && step != state->step
      && now - state->changed < LEVEL_MIN_INTERVAL_US)
    return state->level;
  state->level = level;
  state->changed = now;
  state->step = step;
  return level;
}
