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

/* The bandwidth estimator, fed synthetic feedback: a sender following the
 * target through a simulated bottleneck link (a FIFO of a given capacity
 * that drops what would wait longer than its limit), no network. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include "../../../ext/webrtc/gstrtcbotcongestion.h"

#define MIN_BITRATE 100000
#define MAX_BITRATE 2000000
#define START_BITRATE 300000
#define PACKET_SIZE 1200
#define FPS 30
#define FEEDBACK_INTERVAL (100 * GST_MSECOND)

typedef struct
{
  GstRtcbotCongestion *cc;
  GstClockTime now;
  guint capacity;               /* bits/s of the bottleneck */
  GstClockTime queue_limit;     /* a packet that would wait longer is lost */
  GstClockTime queue_free;      /* when the bottleneck is idle again */
  gboolean twcc;                /* transport-wide feedback, else RRs only */
  GArray *pending;              /* GstRtcbotCongestionPacket */
  guint sent, lost;
  GstClockTime last_feedback;
  GstClockTime base_rtt;
  guint reports;
  guint app_limit;              /* bits/s the encoder fills at most, 0 = all */
  gboolean probing;             /* the sender pads when asked */
  guint padding;                /* bytes of padding sent */
  gboolean lose_feedback;       /* every other report is lost */
  guint feedback_count;
  guint held;                   /* frames not sent while media was held */
  guint held_idle;              /* of those, frames the link was idle for */
  guint bucket;                 /* bytes a token bucket lets through at
                                 * line rate, 0 = none */
  gdouble tokens;
  GstClockTime tokens_time;
  GstClockTime feedback_interval;       /* between transport-wide reports */
  guint highest_target;         /* bits/s, since last reset */
  GstClockTime longest_wait;    /* in the queue, since last reset */
  gboolean nacks;               /* lost packets are NACKed, as aiortc does:
                                 * its whole list of missing packets at
                                 * every new loss */
  GArray *missing;              /* guint16: sequence numbers lost */
  guint new_losses;
} Link;

static void
on_target (GstRtcbotCongestion * cc, guint bitrate, gpointer user_data)
{
  Link *link = user_data;

  link->reports++;
  fail_unless (bitrate >= MIN_BITRATE && bitrate <= MAX_BITRATE);
}

static void
link_init (Link * link, guint capacity, gboolean twcc)
{
  memset (link, 0, sizeof (*link));
  link->cc = gst_rtcbot_congestion_new (MIN_BITRATE, MAX_BITRATE,
      START_BITRATE);
  gst_rtcbot_congestion_set_target_func (link->cc, on_target, link);
  link->now = 10 * GST_SECOND;
  link->capacity = capacity;
  link->queue_limit = 300 * GST_MSECOND;
  link->twcc = twcc;
  link->pending = g_array_new (FALSE, FALSE,
      sizeof (GstRtcbotCongestionPacket));
  link->base_rtt = 20 * GST_MSECOND;
  link->last_feedback = link->now;
  link->feedback_interval = FEEDBACK_INTERVAL;
  link->missing = g_array_new (FALSE, FALSE, sizeof (guint16));
}

static void
link_clear (Link * link)
{
  gst_rtcbot_congestion_free (link->cc);
  g_array_free (link->pending, TRUE);
  g_array_free (link->missing, TRUE);
}

static void
link_sent (Link * link, guint size)
{
  gst_rtcbot_congestion_on_sent (link->cc, link->now, size);
  if (!link->twcc)
    gst_rtcbot_congestion_on_sent_video (link->cc, link->now, link->sent - 1,
        size);
}

static void
send_packet (Link * link, guint size)
{
  GstRtcbotCongestionPacket p = { link->now, GST_CLOCK_TIME_NONE, size };
  GstClockTime start = MAX (link->now, link->queue_free);

  link->sent++;
  link->longest_wait = MAX (link->longest_wait, start - link->now);
  /* the bucket fills while nothing waits, and lets what it holds through
   * at once */
  if (link->bucket > 0 && link->queue_free <= link->now) {
    GstClockTime since = MAX (link->tokens_time, link->queue_free);

    link->tokens = MIN (link->bucket, link->tokens + (link->now - since) *
        (gdouble) link->capacity / 8 / GST_SECOND);
    link->tokens_time = link->now;
    if (link->tokens >= size) {
      link->tokens -= size;
      p.arrival_time = link->now + link->base_rtt / 2;
      g_array_append_val (link->pending, p);
      link_sent (link, size);
      return;
    }
  }
  if (start - link->now > link->queue_limit) {
    guint16 seq = link->sent - 1;

    link->lost++;
    g_array_append_val (link->missing, seq);
    link->new_losses++;
  } else {
    p.arrival_time = start + gst_util_uint64_scale (size * 8, GST_SECOND,
        link->capacity) + link->base_rtt / 2;
    link->queue_free = p.arrival_time - link->base_rtt / 2;
  }
  g_array_append_val (link->pending, p);
  link_sent (link, size);
}

/* Reports what has arrived (or was lost) by now. */
static void
give_feedback (Link * link)
{
  GArray *ready = g_array_new (FALSE, FALSE,
      sizeof (GstRtcbotCongestionPacket));
  guint i = 0, lost = 0, total = 0;
  GstClockTime queueing = link->queue_free > link->now ?
      link->queue_free - link->now : 0;

  while (i < link->pending->len) {
    GstRtcbotCongestionPacket *p = &g_array_index (link->pending,
        GstRtcbotCongestionPacket, i);

    if (!GST_CLOCK_TIME_IS_VALID (p->arrival_time) || p->arrival_time <=
        link->now) {
      g_array_append_val (ready, *p);
      g_array_remove_index (link->pending, i);
    } else {
      i++;
    }
  }
  for (i = 0; i < ready->len; i++) {
    total++;
    if (!GST_CLOCK_TIME_IS_VALID (g_array_index (ready,
                GstRtcbotCongestionPacket, i).arrival_time))
      lost++;
  }
  if (link->lose_feedback && link->feedback_count++ % 2 == 1) {
    /* lost on the way back */
  } else if (link->twcc) {
    gst_rtcbot_congestion_on_packets (link->cc, link->now,
        (GstRtcbotCongestionPacket *) ready->data, ready->len);
  } else if (total > 0) {
    /* what is still on its way is the newest sent */
    gst_rtcbot_congestion_on_receiver_report (link->cc, link->now,
        MIN (255, lost * 256 / total),
        (guint16) (link->sent - 1 - link->pending->len),
        link->base_rtt + queueing);
  }
  g_array_free (ready, TRUE);
}

/* Every packet missing so far, one per FCI entry (PID, no BLP). */
static void
send_nack (Link * link)
{
  guint8 *fci = g_malloc (4 * MAX (link->missing->len, 1));
  guint i;

  for (i = 0; i < link->missing->len; i++) {
    GST_WRITE_UINT16_BE (fci + 4 * i, g_array_index (link->missing, guint16,
            i));
    GST_WRITE_UINT16_BE (fci + 4 * i + 2, 0);
  }
  gst_rtcbot_congestion_on_nack (link->cc, link->now, fci,
      4 * link->missing->len);
  link->new_losses = 0;
  g_free (fci);
}

/* The link is shaped to @capacity from now, by a token bucket of
 * @bucket bytes that starts full. */
static void
shape (Link * link, guint capacity, guint bucket)
{
  link->capacity = capacity;
  link->bucket = bucket;
  link->tokens = bucket;
  link->tokens_time = link->now;
}

/* Runs the link for @seconds with the sender at the target; returns the
 * target at the end. */
static guint
run (Link * link, gdouble seconds)
{
  GstClockTime end = link->now + seconds * GST_SECOND;
  GstClockTime frame = GST_SECOND / FPS;
  GstClockTime interval = link->twcc ? link->feedback_interval : GST_SECOND;

  while (link->now < end) {
    guint rate = gst_rtcbot_congestion_get_target (link->cc);
    GstClockTime hold = gst_rtcbot_congestion_get_hold (link->cc);
    guint bytes;

    if (GST_CLOCK_TIME_IS_VALID (hold) && hold > link->now) {
      link->held++;
      if (link->queue_free < link->now)
        link->held_idle++;
      rate = 0;
    }
    link->highest_target = MAX (link->highest_target, rate);
    if (link->app_limit > 0)
      rate = MIN (rate, link->app_limit);
    bytes = rate / 8 / FPS;
    if (link->probing) {
      guint padding = gst_rtcbot_congestion_probe_padding (link->cc,
          link->now);

      link->padding += padding;
      bytes += padding;
    }

    while (bytes > 0) {
      guint size = MIN (bytes, PACKET_SIZE);

      send_packet (link, size);
      bytes -= size;
    }
    link->now += frame;
    if (link->nacks && link->new_losses > 0)
      send_nack (link);
    if (link->now - link->last_feedback >= interval) {
      give_feedback (link);
      link->last_feedback = link->now;
    }
  }
  return gst_rtcbot_congestion_get_target (link->cc);
}

GST_START_TEST (test_ramp_up)
{
  Link link;
  guint target;

  link_init (&link, 5000000, TRUE);
  target = run (&link, 1);
  fail_unless (target < 600000, "ramped to %u within 1 s", target);
  target = run (&link, 20);
  fail_unless (target >= 1500000, "only %u after 21 s on a free link", target);
  fail_unless (link.reports > 0);
  link_clear (&link);
}

GST_END_TEST;

GST_START_TEST (test_capacity_drop)
{
  Link link;
  guint target;

  link_init (&link, 5000000, TRUE);
  target = run (&link, 25);
  fail_unless (target >= 1500000, "only %u before the drop", target);
  link.capacity = 400000;
  target = run (&link, 4);
  fail_unless (target <= 500000, "still %u 4 s after the drop to 400 kbit/s",
      target);
  /* and it settles near the capacity rather than at the floor */
  target = run (&link, 16);
  fail_unless (target >= 200000 && target <= 520000,
      "settled at %u on a 400 kbit/s link", target);
  link_clear (&link);
}

GST_END_TEST;

/* A drop while half the feedback is lost on the way back (it crosses the
 * same congested path): what got through is measured within each report,
 * so lost reports do not read as an idle link; the standing queue holds
 * media back until it has drained, and the estimate then returns to just
 * under the link rather than to the floor. */
GST_START_TEST (test_drop_with_lost_feedback)
{
  Link link;
  guint target;

  link_init (&link, 1500000, TRUE);
  link.lose_feedback = TRUE;
  target = run (&link, 20);
  fail_unless (target >= 1000000, "only %u before the drop", target);
  link.capacity = 400000;
  target = run (&link, 3);
  fail_unless (target <= 450000, "still %u 3 s after the drop", target);
  fail_unless (link.held > 0, "media never held for the standing queue");
  fail_unless (link.held < 3 * FPS, "media held for %u frames", link.held);
  target = run (&link, 3);
  fail_unless (target >= 240000 && target <= 450000,
      "at %u 6 s after the drop to 400 kbit/s", target);
  link_clear (&link);
}

GST_END_TEST;

/* A link that shrinks to a quarter: the estimate falls by more than half
 * within two reports and under the link within a second, and media is
 * held while the queue built meanwhile drains. */
GST_START_TEST (test_link_shrinks)
{
  Link link;
  guint target;

  link_init (&link, 1500000, TRUE);
  target = run (&link, 20);
  fail_unless (target >= 1000000, "only %u before the drop", target);
  link.capacity = 400000;
  target = run (&link, 0.25);
  fail_unless (target <= 600000, "still %u 250 ms after the drop", target);
  fail_unless (link.held > 0, "media not held");
  target = run (&link, 0.75);
  fail_unless (target <= 400000, "still %u 1 s after the drop", target);
  link_clear (&link);
}

GST_END_TEST;

/* A shaper installed on a busy link: its token bucket first lets a burst
 * through at line rate, and only the packets behind it queue. Those say
 * the link's rate at the first report that shows them: the estimate falls
 * under the link within a few reports, and media is held while the queue
 * drains. */
GST_START_TEST (test_shaper_burst)
{
  Link link;
  guint target;

  link_init (&link, 1500000, TRUE);
  link.feedback_interval = 50 * GST_MSECOND;
  target = run (&link, 20);
  fail_unless (target >= 1000000, "only %u before the drop", target);
  shape (&link, 400000, 16000);
  target = run (&link, 0.2);
  fail_unless (target <= 420000, "still %u 200 ms after the drop", target);
  fail_unless (link.held > 0, "media not held");
  link_clear (&link);
}

GST_END_TEST;

/* The hold lasts as long as the queue: the newest packet reported left
 * it a feedback interval ago, so holding for its wait and all that was
 * sent since would leave the link idle and the picture frozen. */
GST_START_TEST (test_hold_ends_with_queue)
{
  Link link;

  link_init (&link, 1500000, TRUE);
  run (&link, 20);
  link.capacity = 400000;
  link.queue_limit = 600 * GST_MSECOND;
  run (&link, 2);
  fail_unless (link.held > 0, "media not held");
  fail_unless (link.held_idle <= 3, "media held for %u frames after the "
      "queue had drained (of %u held)", link.held_idle, link.held);
  link_clear (&link);
}

GST_END_TEST;

/* A probing sender on a free 1.5 Mbit/s link, shaped to 400 kbit/s by a
 * token bucket of 16 kB; its encoder then fills @app_limit at most
 * (a smaller level) for @seconds. */
static void
shaped_app_limited (Link * link, guint app_limit, gdouble seconds)
{
  link_init (link, 1500000, TRUE);
  link->probing = TRUE;
  run (link, 20);
  shape (link, 400000, 16000);
  link->app_limit = app_limit;
  run (link, seconds);
}

/* Soon after a decrease, a probe sends no more than a step past the link
 * found then, however far the estimate has grown while the encoder sent
 * less, and later ones end once their feedback shows the link full: the
 * padding beyond that would only fill the shaper's queue, which messages
 * wait in. */
GST_START_TEST (test_probe_after_decrease)
{
  Link link;

  shaped_app_limited (&link, 250000, 1);
  link.longest_wait = 0;
  run (&link, 5);
  fail_unless (link.longest_wait <= 200 * GST_MSECOND, "probes filled the "
      "queue for %" GST_TIME_FORMAT " within 6 s of the drop to 400 kbit/s",
      GST_TIME_ARGS (link.longest_wait));
  link_clear (&link);
}

GST_END_TEST;

GST_START_TEST (test_recovery)
{
  Link link;
  guint target;

  link_init (&link, 400000, TRUE);
  run (&link, 20);
  link.capacity = 5000000;
  target = run (&link, 10);
  fail_unless (target >= 1000000, "only %u 10 s after the link was freed",
      target);
  link_clear (&link);
}

GST_END_TEST;

/* An encoder that fills only part of its target (a still picture, a
 * reduced size) cannot show the path carries more: after a drop and
 * recovery its estimate stays near what it sends unless it probes. */
static guint
recover_app_limited (gboolean probing, guint capacity_after)
{
  Link link;
  guint target;

  link_init (&link, 400000, TRUE);
  link.app_limit = 250000;
  link.probing = probing;
  run (&link, 15);
  link.capacity = capacity_after;
  target = run (&link, 10);
  fail_unless (target >= MIN_BITRATE && target <= MAX_BITRATE);
  if (!probing)
    fail_unless_equals_int (link.padding, 0);
  link_clear (&link);
  return target;
}

GST_START_TEST (test_probe_app_limited)
{
  guint without = recover_app_limited (FALSE, 5000000);
  guint with = recover_app_limited (TRUE, 5000000);

  fail_unless (without < 700000, "%u without probes", without);
  fail_unless (with >= 1500000, "probes found only %u on a free link", with);
}

GST_END_TEST;

/* An encoder held at a small level, well under a shaped link whose token
 * bucket stays full: a short probe gets through the bucket at any rate.
 * Probes last long enough to empty it, so the estimate stays short of
 * what a larger picture asks (640x480 at 15 frames/s: about 700 kbit/s),
 * whose keyframe alone would fill the queue for a second. */
GST_START_TEST (test_probe_through_bucket)
{
  Link link;

  shaped_app_limited (&link, 200000, 3);
  link.highest_target = 0;
  run (&link, 20);
  fail_unless (link.highest_target <= 700000, "probes through the token "
      "bucket raised the target to %u on a 400 kbit/s link",
      link.highest_target);
  link_clear (&link);
}

GST_END_TEST;

/* Probes on a link that is full find its capacity, not more. */
GST_START_TEST (test_probe_bottleneck)
{
  guint target = recover_app_limited (TRUE, 400000);

  fail_unless (target <= 560000, "probes pushed the target to %u on a "
      "400 kbit/s link", target);
}

GST_END_TEST;

/* A sender that fills its target is not probed. */
GST_START_TEST (test_no_probe_when_filled)
{
  Link link;

  link_init (&link, 5000000, TRUE);
  link.probing = TRUE;
  run (&link, 5);
  link.padding = 0;
  run (&link, 20);
  fail_unless_equals_int (link.padding, 0);
  link_clear (&link);
}

GST_END_TEST;

/* Losses with no queue: a policer, or radio losses. */
GST_START_TEST (test_loss_without_delay)
{
  GstRtcbotCongestion *cc = gst_rtcbot_congestion_new (MIN_BITRATE,
      MAX_BITRATE, 1000000);
  GstRtcbotCongestionPacket packets[100];
  GstClockTime now = GST_SECOND;
  guint i, round;

  for (round = 0; round < 20; round++) {
    for (i = 0; i < G_N_ELEMENTS (packets); i++) {
      packets[i].send_time = now + i * GST_MSECOND;
      /* constant one-way delay; every fifth packet lost */
      packets[i].arrival_time = i % 5 == 0 ? GST_CLOCK_TIME_NONE :
          packets[i].send_time + 30 * GST_MSECOND;
      packets[i].size = PACKET_SIZE;
    }
    now += 100 * GST_MSECOND;
    gst_rtcbot_congestion_on_packets (cc, now, packets, 100);
  }
  fail_unless (gst_rtcbot_congestion_get_target (cc) < 500000,
      "20 %% loss left the target at %u", gst_rtcbot_congestion_get_target
      (cc));
  gst_rtcbot_congestion_free (cc);

  /* the same from receiver reports alone */
  cc = gst_rtcbot_congestion_new (MIN_BITRATE, MAX_BITRATE, 1000000);
  for (round = 0; round < 10; round++) {
    now += GST_SECOND;
    gst_rtcbot_congestion_on_receiver_report (cc, now, 51, -1,
        30 * GST_MSECOND);
  }
  fail_unless (gst_rtcbot_congestion_get_target (cc) < 500000);
  gst_rtcbot_congestion_free (cc);
}

GST_END_TEST;

/* A queue building up with nothing lost yet: the delay trend alone. */
GST_START_TEST (test_delay_without_loss)
{
  GstRtcbotCongestion *cc = gst_rtcbot_congestion_new (MIN_BITRATE,
      MAX_BITRATE, 1000000);
  GstRtcbotCongestionPacket packets[3];
  GstClockTime now = GST_SECOND, queue = 0;
  guint frame, i;
  GstStructure *stats;

  for (frame = 0; frame < 90; frame++) {
    GstClockTime send = now + frame * 33 * GST_MSECOND;

    /* each frame waits 4 ms longer than the one before */
    queue += 4 * GST_MSECOND;
    for (i = 0; i < 3; i++) {
      packets[i].send_time = send + i * 100 * GST_USECOND;
      packets[i].arrival_time = packets[i].send_time + 20 * GST_MSECOND + queue;
      packets[i].size = PACKET_SIZE;
    }
    gst_rtcbot_congestion_on_packets (cc, send + 30 * GST_MSECOND, packets, 3);
  }
  fail_unless (gst_rtcbot_congestion_get_target (cc) < 900000,
      "a growing queue left the target at %u",
      gst_rtcbot_congestion_get_target (cc));
  stats = gst_rtcbot_congestion_get_stats (cc, now + 3 * GST_SECOND);
  fail_unless_equals_string (gst_structure_get_string (stats, "feedback"),
      "transport-cc");
  fail_unless_equals_float (g_value_get_double (gst_structure_get_value
          (stats, "loss")), 0.0);
  gst_structure_free (stats);
  gst_rtcbot_congestion_free (cc);
}

GST_END_TEST;

GST_START_TEST (test_receiver_reports_only)
{
  Link link;
  guint target;

  link_init (&link, 5000000, FALSE);
  target = run (&link, 20);
  fail_unless (target >= 1000000, "only %u with clean receiver reports",
      target);
  link.capacity = 400000;
  /* the first reports with losses say what got through: the estimate goes
   * there at once, not by a third a report over seconds */
  target = run (&link, 2.5);
  fail_unless (target <= 450000, "still %u 2.5 s after the drop, from "
      "receiver reports", target);
  target = run (&link, 10);
  fail_unless (target >= 150000 && target <= 600000, "at %u from receiver "
      "reports on a 400 kbit/s link", target);
  link_clear (&link);
}

GST_END_TEST;

/* A peer with receiver reports and NACKs only (aiortc): its NACKs come a
 * frame after a loss, where reports come a second apart, and bring the
 * estimate under a link that has shrunk within a few hundred
 * milliseconds. It lists every packet still missing at each new loss:
 * counted once each, its losses are not mistaken for more. */
GST_START_TEST (test_nacks)
{
  Link link, reports_only;
  guint target;

  link_init (&link, 5000000, FALSE);
  link.nacks = TRUE;
  link_init (&reports_only, 5000000, FALSE);
  run (&link, 20.5);
  run (&reports_only, 20.5);
  link.capacity = reports_only.capacity = 400000;
  target = run (&link, 0.5);
  fail_unless (target <= 500000, "still %u 500 ms after the drop, with "
      "NACKs", target);
  target = run (&reports_only, 0.5);
  fail_unless (target > 1000000, "receiver reports alone gave %u within "
      "500 ms", target);
  target = run (&link, 10);
  fail_unless (target >= 200000 && target <= 600000, "at %u with NACKs on a "
      "400 kbit/s link", target);
  link_clear (&link);
  link_clear (&reports_only);
}

GST_END_TEST;

/* NACKs repeating the same few packets, 2 % of those sent: no decrease */
GST_START_TEST (test_nacks_repeated)
{
  GstRtcbotCongestion *cc = gst_rtcbot_congestion_new (MIN_BITRATE,
      MAX_BITRATE, START_BITRATE);
  guint8 fci[8];
  guint i;

  /* two packets: 10 and 11 (PID 10, BLP bit 0) */
  GST_WRITE_UINT16_BE (fci, 10);
  GST_WRITE_UINT16_BE (fci + 2, 1);
  gst_rtcbot_congestion_on_receiver_report (cc, 0, 0, -1, 20 * GST_MSECOND);
  for (i = 0; i < 100; i++) {
    gst_rtcbot_congestion_on_sent (cc, i * 10 * GST_MSECOND, 1200);
    gst_rtcbot_congestion_on_nack (cc, i * 10 * GST_MSECOND, fci, 4);
  }
  fail_unless_equals_int (gst_rtcbot_congestion_get_target (cc), START_BITRATE);
  /* and a list with nothing in it, or cut short, is no loss either */
  gst_rtcbot_congestion_on_nack (cc, GST_SECOND, NULL, 0);
  gst_rtcbot_congestion_on_nack (cc, GST_SECOND, fci, 3);
  fail_unless_equals_int (gst_rtcbot_congestion_get_target (cc), START_BITRATE);
  gst_rtcbot_congestion_free (cc);
}

GST_END_TEST;

/* Video packets of PACKET_SIZE at @bitrate from *@now for @seconds,
 * numbered from *@seq on, as sent to a peer without transport-wide
 * feedback. */
static void
send_video (GstRtcbotCongestion * cc, GstClockTime * now, guint16 * seq,
    guint bitrate, gdouble seconds)
{
  GstClockTime end = *now + seconds * GST_SECOND;
  GstClockTime spacing = gst_util_uint64_scale (PACKET_SIZE * 8, GST_SECOND,
      bitrate);

  for (; *now < end; *now += spacing) {
    gst_rtcbot_congestion_on_sent (cc, *now, PACKET_SIZE);
    gst_rtcbot_congestion_on_sent_video (cc, *now, (*seq)++, PACKET_SIZE);
  }
}

/* Media is held from @now for between @shortest and @longest */
static void
assert_held (GstRtcbotCongestion * cc, GstClockTime now,
    GstClockTime shortest, GstClockTime longest)
{
  GstClockTime hold = gst_rtcbot_congestion_get_hold (cc);

  fail_unless (GST_CLOCK_TIME_IS_VALID (hold) && hold >= now + shortest
      && hold <= now + longest, "held until %" GST_TIME_FORMAT " at %"
      GST_TIME_FORMAT, GST_TIME_ARGS (hold), GST_TIME_ARGS (now));
}

/* A NACK listing 3 of every 4 packets from @first up to @last */
static void
nack_three_in_four (GstRtcbotCongestion * cc, GstClockTime now,
    guint16 first, guint16 last)
{
  guint8 fci[4 * 256];
  guint n = 0;
  guint16 seq;

  for (seq = first; seq != (guint16) (last + 1) && n < 256; seq++) {
    if (seq % 4 == 0)
      continue;
    GST_WRITE_UINT16_BE (fci + 4 * n, seq);
    GST_WRITE_UINT16_BE (fci + 4 * n + 2, 0);
    n++;
  }
  gst_rtcbot_congestion_on_nack (cc, now, fci, 4 * n);
}

/* The NACKs of one loss episode come for as long as the queue that lost
 * the packets took to cross, a second and more on a shaped link whose
 * queue the feedback shares: one decrease answers them, to the rate that
 * got through when they were sent, not one decrease every few hundred
 * milliseconds down to the floor; and video waits while that queue
 * drains. */
GST_START_TEST (test_nacks_one_episode)
{
  GstRtcbotCongestion *cc = gst_rtcbot_congestion_new (MIN_BITRATE,
      MAX_BITRATE, 1500000);
  GstClockTime now = 10 * GST_SECOND;
  guint16 seq = 65000, decreased_at;
  guint target;

  gst_rtcbot_congestion_on_receiver_report (cc, now, 0, -1, 20 * GST_MSECOND);
  send_video (cc, &now, &seq, 1500000, 2);
  /* 3 in 4 of the packets of the last second lost: 375 kbit/s got
   * through; the sender has gone on at the old rate meanwhile */
  nack_three_in_four (cc, now, seq - 160, seq - 156);
  nack_three_in_four (cc, now, seq - 155, seq - 95);
  target = gst_rtcbot_congestion_get_target (cc);
  fail_unless (target >= 250000 && target <= 340000, "%u after 75 %% loss "
      "at 1.5 Mbit/s", target);
  /* the newest packet listed went out 600 ms ago: the queue that dropped
   * its neighbours holds about that much, and video waits for it */
  assert_held (cc, now, 450 * GST_MSECOND, 700 * GST_MSECOND);
  /* a report of the same episode says no more of its losses, but a queue
   * still filling is another matter */
  gst_rtcbot_congestion_on_receiver_report (cc, now + 100 * GST_MSECOND, 128,
      -1, 900 * GST_MSECOND);
  fail_unless (gst_rtcbot_congestion_get_target (cc) < target, "still %u "
      "with a round trip growing to 900 ms", target);
  target = gst_rtcbot_congestion_get_target (cc);
  /* the rest of the episode, up to a second later: packets sent before
   * that decrease */
  decreased_at = seq;
  send_video (cc, &now, &seq, target, 1);
  nack_three_in_four (cc, now, decreased_at - 94, decreased_at - 50);
  nack_three_in_four (cc, now + 400 * GST_MSECOND, decreased_at - 49,
      decreased_at - 1);
  fail_unless_equals_int (gst_rtcbot_congestion_get_target (cc), target);
  gst_rtcbot_congestion_free (cc);
}

GST_END_TEST;

/* Receiver reports only, a queue growing without loss: what the peer
 * received between two reports (by their highest sequence numbers) is
 * what the link carries, the estimate goes under it in one step, and
 * video waits while the queue drains;
 * then it grows slowly near it while that rate is recent, and fast again
 * later, when the link may have grown. */
GST_START_TEST (test_receiver_reports_queue)
{
  GstRtcbotCongestion *cc = gst_rtcbot_congestion_new (MIN_BITRATE,
      MAX_BITRATE, 1200000);
  GstClockTime now = 10 * GST_SECOND;
  guint16 seq = 0, received = 0;
  guint target, i;

  gst_rtcbot_congestion_on_receiver_report (cc, now, 0, received,
      20 * GST_MSECOND);
  /* 1.2 Mbit/s sent for two seconds, 400 kbit/s received */
  for (i = 1; i <= 2; i++) {
    send_video (cc, &now, &seq, 1200000, 1);
    received += 400000 / 8 / PACKET_SIZE;
    gst_rtcbot_congestion_on_receiver_report (cc, now, 0, received,
        (20 + 300 * i) * GST_MSECOND);
  }
  target = gst_rtcbot_congestion_get_target (cc);
  fail_unless (target <= 400000 * 0.9, "%u after a queue grew behind a "
      "400 kbit/s link", target);
  /* and video waits while the 600 ms that queue holds drain */
  assert_held (cc, now, 500 * GST_MSECOND, 700 * GST_MSECOND);
  /* the queue drains: no decrease for it, and no increase before a round
   * trip shows it gone */
  send_video (cc, &now, &seq, target, 1);
  received = seq - 1;
  gst_rtcbot_congestion_on_receiver_report (cc, now, 0, received,
      400 * GST_MSECOND);
  fail_unless_equals_int (gst_rtcbot_congestion_get_target (cc), target);
  /* clean reports: slowly for a few seconds */
  for (i = 0; i < 4; i++) {
    send_video (cc, &now, &seq, gst_rtcbot_congestion_get_target (cc), 1);
    gst_rtcbot_congestion_on_receiver_report (cc, now, 0, seq - 1,
        20 * GST_MSECOND);
  }
  target = gst_rtcbot_congestion_get_target (cc);
  fail_unless (target <= 600000, "%u, 4 s after finding a 400 kbit/s link",
      target);
  for (i = 0; i < 6; i++) {
    send_video (cc, &now, &seq, gst_rtcbot_congestion_get_target (cc), 1);
    gst_rtcbot_congestion_on_receiver_report (cc, now, 0, seq - 1,
        20 * GST_MSECOND);
  }
  target = gst_rtcbot_congestion_get_target (cc);
  fail_unless (target >= 800000, "only %u 10 s after a queue, with clean "
      "reports since", target);
  gst_rtcbot_congestion_free (cc);
}

GST_END_TEST;

GST_START_TEST (test_no_feedback)
{
  GstRtcbotCongestion *cc = gst_rtcbot_congestion_new (MIN_BITRATE,
      MAX_BITRATE, START_BITRATE);
  GstStructure *stats;
  guint i;

  for (i = 0; i < 100; i++)
    gst_rtcbot_congestion_on_sent (cc, i * 100 * GST_MSECOND, 5000);
  fail_unless_equals_int (gst_rtcbot_congestion_get_target (cc), START_BITRATE);
  /* an empty report is no feedback */
  gst_rtcbot_congestion_on_packets (cc, 11 * GST_SECOND, NULL, 0);
  fail_unless_equals_int (gst_rtcbot_congestion_get_target (cc), START_BITRATE);
  stats = gst_rtcbot_congestion_get_stats (cc, 10 * GST_SECOND);
  fail_unless_equals_string (gst_structure_get_string (stats, "feedback"),
      "none");
  fail_unless (g_value_get_uint (gst_structure_get_value (stats,
              "sent-bitrate")) > 300000);
  gst_structure_free (stats);
  gst_rtcbot_congestion_free (cc);
}

GST_END_TEST;

GST_START_TEST (test_remb)
{
  GstRtcbotCongestion *cc = gst_rtcbot_congestion_new (MIN_BITRATE,
      MAX_BITRATE, START_BITRATE);
  /* 400 kbit/s = 200000 << 1, for two SSRCs */
  const guint8 fci[] = { 'R', 'E', 'M', 'B', 2, (1 << 2) | 0x3, 0x0d, 0x40,
    0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef
  };
  const guint8 huge[] = { 'R', 'E', 'M', 'B', 0, 0xff, 0xff, 0xff };
  guint64 bitrate;
  guint32 ssrcs[4];
  guint n;

  fail_unless (gst_rtcbot_congestion_parse_remb (fci, sizeof (fci),
          &bitrate, ssrcs, 4, &n));
  fail_unless_equals_uint64 (bitrate, 400000);
  fail_unless_equals_int (n, 2);
  fail_unless_equals_int (ssrcs[1], 0xdeadbeef);
  /* truncated, or not REMB */
  fail_if (gst_rtcbot_congestion_parse_remb (fci, 12, &bitrate, ssrcs, 4, &n));
  fail_if (gst_rtcbot_congestion_parse_remb ((const guint8 *) "REMX\0\0\0\0",
          8, &bitrate, ssrcs, 4, &n));
  fail_unless (gst_rtcbot_congestion_parse_remb (huge, sizeof (huge),
          &bitrate, ssrcs, 4, &n));
  fail_unless_equals_uint64 (bitrate, G_MAXUINT64);

  gst_rtcbot_congestion_on_remb (cc, GST_SECOND, 400000);
  fail_unless_equals_int (gst_rtcbot_congestion_get_target (cc), 400000);
  gst_rtcbot_congestion_on_remb (cc, GST_SECOND, 0);
  fail_unless_equals_int (gst_rtcbot_congestion_get_target (cc), MIN_BITRATE);
  gst_rtcbot_congestion_on_remb (cc, GST_SECOND, G_MAXUINT64);
  fail_unless_equals_int (gst_rtcbot_congestion_get_target (cc), MAX_BITRATE);
  gst_rtcbot_congestion_free (cc);
}

GST_END_TEST;

/* Garbage feedback: zero, huge, backwards and wrapped times. */
GST_START_TEST (test_absurd_feedback)
{
  GstRtcbotCongestion *cc = gst_rtcbot_congestion_new (MIN_BITRATE,
      MAX_BITRATE, START_BITRATE);
  GstRtcbotCongestionPacket packets[64];
  guint8 fci[64];
  GRand *rand = g_rand_new_with_seed (42);
  static const GstClockTime edges[] = { 0, 1, G_MAXINT64, G_MAXUINT64 - 1,
    G_MAXUINT64, G_MAXINT64 + (guint64) 1
  };
  guint round, i;

  for (round = 0; round < 2000; round++) {
    for (i = 0; i < G_N_ELEMENTS (packets); i++) {
      packets[i].send_time = g_rand_boolean (rand) ?
          edges[g_rand_int_range (rand, 0, G_N_ELEMENTS (edges))] :
          ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      packets[i].arrival_time = g_rand_boolean (rand) ?
          edges[g_rand_int_range (rand, 0, G_N_ELEMENTS (edges))] :
          packets[i].send_time + (gint64) g_rand_int (rand) -
          (gint64) G_MAXINT32;
      packets[i].size = g_rand_int (rand);
    }
    gst_rtcbot_congestion_on_packets (cc, edges[round % G_N_ELEMENTS (edges)],
        packets, g_rand_int_range (rand, 0, G_N_ELEMENTS (packets) + 1));
    gst_rtcbot_congestion_on_receiver_report (cc, g_rand_int (rand),
        g_rand_int_range (rand, 0, 256), g_rand_int_range (rand, -1, 70000),
        edges[round % G_N_ELEMENTS (edges)]);
    gst_rtcbot_congestion_on_sent (cc, edges[round % G_N_ELEMENTS (edges)],
        g_rand_int (rand));
    gst_rtcbot_congestion_on_sent_video (cc,
        edges[round % G_N_ELEMENTS (edges)], g_rand_int (rand),
        g_rand_int (rand));
    for (i = 0; i < G_N_ELEMENTS (fci); i++)
      fci[i] = g_rand_int (rand);
    gst_rtcbot_congestion_on_nack (cc, edges[round % G_N_ELEMENTS (edges)],
        fci, g_rand_int_range (rand, 0, G_N_ELEMENTS (fci) + 1));
    /* at most 1.2 times the maximum, for 150 ms at most */
    fail_unless (gst_rtcbot_congestion_probe_padding (cc,
            edges[g_rand_int_range (rand, 0, G_N_ELEMENTS (edges))]) <=
        MAX_BITRATE * 1.2 * 0.15 / 8 + 1);
    fail_unless (gst_rtcbot_congestion_get_target (cc) >= MIN_BITRATE);
    fail_unless (gst_rtcbot_congestion_get_target (cc) <= MAX_BITRATE);
  }
  gst_structure_free (gst_rtcbot_congestion_get_stats (cc, 0));
  g_rand_free (rand);
  gst_rtcbot_congestion_free (cc);
}

GST_END_TEST;

static Suite *
rtcbotcongestion_suite (void)
{
  Suite *s = suite_create ("rtcbotcongestion");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_ramp_up);
  tcase_add_test (tc, test_capacity_drop);
  tcase_add_test (tc, test_drop_with_lost_feedback);
  tcase_add_test (tc, test_link_shrinks);
  tcase_add_test (tc, test_shaper_burst);
  tcase_add_test (tc, test_probe_after_decrease);
  tcase_add_test (tc, test_hold_ends_with_queue);
  tcase_add_test (tc, test_recovery);
  tcase_add_test (tc, test_probe_app_limited);
  tcase_add_test (tc, test_probe_bottleneck);
  tcase_add_test (tc, test_probe_through_bucket);
  tcase_add_test (tc, test_no_probe_when_filled);
  tcase_add_test (tc, test_loss_without_delay);
  tcase_add_test (tc, test_delay_without_loss);
  tcase_add_test (tc, test_receiver_reports_only);
  tcase_add_test (tc, test_nacks);
  tcase_add_test (tc, test_nacks_repeated);
  tcase_add_test (tc, test_nacks_one_episode);
  tcase_add_test (tc, test_receiver_reports_queue);
  tcase_add_test (tc, test_no_feedback);
  tcase_add_test (tc, test_remb);
  tcase_add_test (tc, test_absurd_feedback);
  return s;
}

GST_CHECK_MAIN (rtcbotcongestion);
