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

#include <math.h>
#include <string.h>

#include "gstrtcbotcongestion.h"

GST_DEBUG_CATEGORY_STATIC (congestion_debug);
#define GST_CAT_DEFAULT congestion_debug

/* packets sent within this span form one group (one frame, mostly) */
#define GROUP_SPAN (5 * GST_MSECOND)
/* groups in the delay trend's linear regression */
#define TREND_WINDOW 20
#define TREND_SMOOTHING 0.9
#define TREND_GAIN 4.0
/* the adaptive overuse threshold, ms, and its gains per ms */
#define THRESHOLD_START 12.5
#define THRESHOLD_MIN 6.0
#define THRESHOLD_MAX 600.0
#define THRESHOLD_UP 0.0087
#define THRESHOLD_DOWN 0.039
/* sustained overuse needed before acting on it */
#define OVERUSE_TIME (10 * GST_MSECOND)
/* group deltas beyond these are clock jumps or garbage: start over */
#define MAX_ARRIVAL_JUMP (3 * GST_SECOND)
#define MAX_SEND_GAP (3 * GST_SECOND)

/* a decrease goes to this share of what got through */
#define DECREASE_FACTOR 0.85
#define MIN_DECREASE_INTERVAL (200 * GST_MSECOND)
/* losses are counted over feedback that reacts a round trip late: one
 * loss-based decrease per this much plus the round trip */
#define LOSS_DECREASE_INTERVAL (300 * GST_MSECOND)
/* multiplicative increase per second while nothing says stop, far from
 * the capacity last found */
#define INCREASE_PER_SECOND 1.20
/* Near the capacity found at earlier decreases (within three deviations)
 * the increase is additive, about one packet per response time, so that
 * the queue at the bottleneck fills slowly and is caught early. */
#define ADDITIVE_PACKET_BITS (1200 * 8)
#define RESPONSE_TIME_BASE (100 * GST_MSECOND)
/* The round trip of a response time is the longest of this span: right
 * after a queue has drained the round trip is short again, but the path
 * that built it is as slow to show the next one */
#define RTT_PEAK_SPAN (5 * GST_SECOND)
#define CAPACITY_SMOOTHING 0.95
/* how long after the last decrease the capacity it found holds probes
 * back; an encoder held below the link (a smaller level) cannot show a
 * grown link by its throughput, so after this a probe may */
#define CAPACITY_LIFETIME (3 * GST_SECOND)
/* after it, a probe beyond the capacity raises the estimate to at most
 * this factor of what got through: a link that has grown is found in a
 * few steps, a burst let through by a shaper makes a short overshoot that
 * is caught early */
#define PROBE_STEP 1.5
/* no decrease for this long: the capacity is forgotten, and probes step
 * from the estimate, which each probe let through raises, rather than from
 * what got through, which an encoder held at a small level keeps low */
#define CAPACITY_EXPIRY (6 * GST_SECOND)
/* throughput above the capacity for this long says the link has grown */
#define GROWN_LINK_TIME (2 * GST_SECOND)
/* Above the rate the link carried at the last decrease for losses or
 * queueing, the loss-based estimate grows by this share of it a second,
 * for this long after that decrease */
#define LOSS_ADDITIVE_SHARE 0.10
#define LOSS_CAPACITY_LIFETIME (5 * GST_SECOND)
/* loss thresholds of the loss-based estimate (GCC's 2 % and 10 %) */
#define LOSS_LOW 0.02
#define LOSS_HIGH 0.10
/* packets a transport-wide loss fraction is computed over */
#define MIN_LOSS_PACKETS 20
/* Generic NACKs of a peer without transport-wide feedback: the first word
 * of a loss, a round trip after it, where receiver reports come a second
 * or more apart. The packets they list are counted against the sequence
 * numbers they span, once these are more than MIN_LOSS_PACKETS; a span
 * longer than NACK_FRESH starts the count afresh (the losses before were
 * long ago). */
#define NACK_FRESH 1000
/* video packets remembered by sequence number, for a peer without
 * transport-wide feedback: its NACKs and receiver reports are read against
 * when, and at what rate, the packets they speak of were sent */
#define SENT_HISTORY 1024
/* receiver reports closer together than this tell no rate */
#define REPORT_MIN_SPAN (200 * GST_MSECOND)
/* a round-trip this much above the smallest seen means queues filling
 * (for peers that give only receiver reports) */
#define RTT_QUEUEING (150 * GST_MSECOND)
/* a round trip this share of the one before: the queue is draining */
#define RTT_DRAINING 0.9
/* a target change smaller than this share is not reported */
#define REPORT_CHANGE 0.03
/* A standing queue: one-way delay this far above the smallest seen over
 * the last two windows. The delay trend sees a queue grow, not one that
 * stays full; a full queue delays every control message by as much. */
#define QUEUE_DELAY_LIMIT (60 * GST_MSECOND)
#define QUEUE_FLOOR_WINDOW (10 * GST_SECOND)
/* the longest media is held back to drain a standing queue */
#define MAX_HOLD (700 * GST_MSECOND)
/* about 73 years: clocks beyond it are not clocks */
#define MAX_SANE_TIME (G_GUINT64_CONSTANT (1) << 61)
/* window of the sent and acknowledged bitrates */
#define RATE_WINDOW (GST_SECOND)
/* What got through lately: a decrease must not go by a rate of a second
 * ago when the link has just shrunk. It is measured within each feedback
 * report, from the first arrival to the last: feedback crosses the same
 * congested path and is lost with the media, and a window over arrival
 * times would count the gaps of lost reports as an idle link. */
#define RECENT_WINDOW (250 * GST_MSECOND)
/* arrivals spanning less say little about a rate */
#define DELIVERY_MIN_SPAN (30 * GST_MSECOND)
/* a report whose packets arrived over more than twice the span they
 * were sent in, behind a queue of more than this: the link has shrunk */
#define SHRUNK_RATIO 0.5
#define SHRUNK_QUEUE (15 * GST_MSECOND)
#define SHRUNK_MIN_PACKETS 3
/* the same read from the packets that waited in the queue alone */
#define DRAINED_MIN_QUEUE (30 * GST_MSECOND)
/* a packet that waited this long in a queue arrived at the link's rate */
#define QUEUED_PACKET_DELAY (5 * GST_MSECOND)
#define QUEUED_MIN_SPAN (10 * GST_MSECOND)
/* a standing queue's episode ends when the queue is this short again */
#define QUEUE_DRAINED (20 * GST_MSECOND)
/* Probing (GCC's probe clusters, sent as padding). An encoder sending
 * less than its target (a still picture, a reduced size) cannot show that
 * the path carries more; the delay-based estimate is held near what got
 * through, so it would stay down. When the sender is application-limited,
 * below PROBE_APP_LIMITED of the target, with the delay normal, padding
 * raises what is sent to PROBE_GAIN times the target; what gets through
 * says how far the target may go. */
#define PROBE_APP_LIMITED 0.8
#define PROBE_BELOW_MAX 0.9
#define PROBE_GAIN 2.0
/* A probe lasts until it has sent PROBE_BURST bytes of padding, at least
 * PROBE_DURATION and at most PROBE_LONGEST (PROBE_DURATION only, at the
 * edge of a link found just before). The token bucket of a shaper or a
 * policer lets a burst through at any rate after the sender stayed under
 * the link, as an encoder held at a small level does: a shorter probe
 * gets through whole, and the level its result allows sends keyframes
 * that fill the queue for a second. Once the bucket is empty the probe's
 * packets queue, and its feedback ends it: the queue it leaves is what it
 * sent within a round trip. */
#define PROBE_DURATION (150 * GST_MSECOND)
#define PROBE_LONGEST (500 * GST_MSECOND)
#define PROBE_BURST 32000
/* padding goes out between frames, for the time since the last at most
 * this (a frame interval at the lowest frame rate of the levels, 7.5/s):
 * a gap in the frames is no reason for a burst */
#define PADDING_SPAN (150 * GST_MSECOND)
/* A probe's packet that waited this long found the link full: longer
 * than the padding of one frame, sent at once, waits on a link that
 * carries it. Those packets left the queue back to back, at the link's
 * rate. */
#define PROBE_QUEUED_DELAY (40 * GST_MSECOND)
/* from a decrease to the first probe; each probe that finds the limit
 * doubles the wait up to the longest; one that finds room is followed
 * soon */
#define PROBE_INTERVAL (2 * GST_SECOND)
#define PROBE_INTERVAL_LONGEST (4 * GST_SECOND)
#define PROBE_INTERVAL_AFTER_SUCCESS (600 * GST_MSECOND)
/* a probe whose feedback has not come back by then is given up */
#define PROBE_TIMEOUT (2 * GST_SECOND)
#define PROBE_MIN_PACKETS 5
/* a probe succeeded when this share of its rate got through */
#define PROBE_SUCCESS 0.8

typedef struct
{
  GstClockTime first_send;
  GstClockTime last_send;
  GstClockTime last_arrival;
  gboolean valid;
} PacketGroup;

typedef struct
{
  GstClockTime length;
  GstClockTime start;
  guint64 bytes;
  gdouble rate;                 /* bits/s of the last full window, 0 = none */
} RateWindow;

/* bytes over the arrival spans of the feedback reports of a window */
typedef struct
{
  GstClockTime start;
  guint64 bytes;
  GstClockTime span;
  gdouble rate;                 /* bits/s of the last full window, 0 = none */
} DeliveryWindow;

/* Packets that waited in a queue: they left it back to back, at the rate
 * of the link. */
typedef struct
{
  guint count;
  guint64 bytes;
  guint first_size;             /* of the first to arrive */
  GstClockTime first, last;     /* arrivals */
  GstClockTimeDiff first_delay, last_delay;     /* their waits */
} QueuedPackets;

/* A video packet sent, in SENT_HISTORY */
typedef struct
{
  GstClockTime send_time;       /* NONE: no packet */
  guint size;
  guint16 seq;
} SentPacket;

/* One probe: sent between start and end, measured from its feedback */
typedef struct
{
  GstClockTime start, end;      /* NONE: no probe running or measured */
  GstClockTime paid_until;      /* padding handed out up to here */
  guint64 padding;              /* bytes handed out */
  gdouble rate;                 /* bits/s aimed at */
  QueuedPackets queued;         /* its packets that waited in a queue */
  guint packets, lost;
  guint64 bytes;
  guint first_size, last_size;
  GstClockTime first_send, last_send, first_arrival, last_arrival;
} Probe;

struct _GstRtcbotCongestion
{
  /* protects every field below: feedback arrives on RTCP threads while
   * the element reads the estimate and changes the limits */
  GMutex lock;

  guint min_bitrate;
  guint max_bitrate;
  guint start_bitrate;
  GstRtcbotCongestionTargetFunc func;
  gpointer user_data;
  guint reported;               /* the target last given to func */

  /* the three estimates; 0 until their feedback first arrives */
  gdouble delay_rate;
  gdouble loss_rate;
  gdouble remb_rate;

  /* delay-based estimate */
  PacketGroup group, previous;
  gdouble accumulated_delay;    /* ms */
  gdouble smoothed_delay;       /* ms */
  gdouble trend_x[TREND_WINDOW];        /* arrival, ms since first group */
  gdouble trend_y[TREND_WINDOW];
  guint trend_count;
  guint64 deltas;
  GstClockTime first_arrival;
  gdouble threshold;            /* ms */
  gdouble previous_trend;
  GstClockTime overuse_time;
  GstClockTime last_threshold_update;
  GstRtcbotCongestionSignal signal;
  GstClockTime last_delay_update;
  GstClockTime last_decrease;
  RateWindow acked;
  DeliveryWindow delivered;
  /* while a standing queue drains: where the estimate goes back to once
   * it is gone, 0 = no queue standing */
  gdouble drained_rate;
  /* media is held back until then, so that the queue drains at the full
   * rate of the link; NONE = not held */
  GstClockTime hold_until;
  GstClockTime newest_send;     /* of the packets reported so far */
  GstClockTime beyond_capacity_since;   /* throughput above the capacity */
  gdouble capacity;             /* bits/s acked at decreases, 0 = unknown */
  gboolean capacity_expired;    /* forgotten for want of decreases */
  /* one-way delay (the peer's clock minus ours) and its floor, over the
   * current and the previous window */
  GstClockTimeDiff delay_floor, previous_floor, last_delay;
  GstClockTime floor_window_start;
  gdouble capacity_variance;    /* kbit/s, normalised by the capacity */

  /* loss-based estimate */
  GstClockTime last_loss_update;
  GstClockTime last_loss_decrease;
  gdouble loss;                 /* last fraction lost, 0..1 */
  guint loss_counted, loss_lost;        /* transport-cc, not yet used */
  GstClockTime rtt;
  GstClockTime min_rtt;
  GstClockTime rtt_peak, rtt_peak_time; /* the longest lately, and when */

  RateWindow sent;
  /* bytes sent since the last receiver report, and when that came, and
   * the highest video sequence number it gave (-1 = none) */
  guint64 sent_since_report;
  GstClockTime last_report;
  gint32 report_highest;
  /* the last round trip showed a queue (peers without transport-wide
   * feedback): no increase until one shows none */
  gboolean rtt_queueing;
  /* bits/s that got through at the last decrease for losses or queueing,
   * from receiver reports and NACKs, and when; 0 = unknown */
  gdouble loss_capacity;
  GstClockTime loss_capacity_time;
  /* packets NACKed and the sequence numbers they span since nack_from,
   * not yet counted; the newest sequence number NACKed so far, -1 = none */
  guint nack_lost, nack_span;
  guint16 nack_from;
  gint32 newest_nacked;
  SentPacket history[SENT_HISTORY];     /* by sequence number */
  const gchar *feedback;        /* the best kind received so far */

  Probe probe;
  GstClockTime next_probe;
  GstClockTime probe_interval;  /* after a probe that found the limit */
  guint probes;
  guint probe_result;           /* bits/s the last measured probe found */
};

GstRtcbotCongestion *
gst_rtcbot_congestion_new (guint min_bitrate, guint max_bitrate,
    guint start_bitrate)
{
  GstRtcbotCongestion *cc = g_new0 (GstRtcbotCongestion, 1);
  static gsize debug_initialized = 0;
  guint i;

  if (g_once_init_enter (&debug_initialized)) {
    GST_DEBUG_CATEGORY_INIT (congestion_debug, "rtcbotcongestion", 0,
        "RTCBot bandwidth estimation");
    g_once_init_leave (&debug_initialized, 1);
  }

  g_mutex_init (&cc->lock);
  cc->min_bitrate = MIN (min_bitrate, max_bitrate);
  cc->max_bitrate = MAX (min_bitrate, max_bitrate);
  cc->start_bitrate = CLAMP (start_bitrate, cc->min_bitrate, cc->max_bitrate);
  cc->reported = cc->start_bitrate;
  cc->threshold = THRESHOLD_START;
  cc->rtt = GST_CLOCK_TIME_NONE;
  cc->min_rtt = GST_CLOCK_TIME_NONE;
  cc->rtt_peak = GST_CLOCK_TIME_NONE;
  cc->first_arrival = GST_CLOCK_TIME_NONE;
  cc->last_threshold_update = GST_CLOCK_TIME_NONE;
  cc->last_delay_update = GST_CLOCK_TIME_NONE;
  cc->last_decrease = GST_CLOCK_TIME_NONE;
  cc->last_loss_update = GST_CLOCK_TIME_NONE;
  cc->last_loss_decrease = GST_CLOCK_TIME_NONE;
  cc->acked.start = GST_CLOCK_TIME_NONE;
  cc->acked.length = RATE_WINDOW;
  cc->delivered.start = GST_CLOCK_TIME_NONE;
  cc->sent.start = GST_CLOCK_TIME_NONE;
  cc->sent.length = RATE_WINDOW;
  cc->feedback = "none";
  cc->probe.start = GST_CLOCK_TIME_NONE;
  cc->next_probe = 0;
  cc->probe_interval = PROBE_INTERVAL;
  cc->floor_window_start = GST_CLOCK_TIME_NONE;
  cc->hold_until = GST_CLOCK_TIME_NONE;
  cc->last_report = GST_CLOCK_TIME_NONE;
  cc->report_highest = -1;
  cc->newest_nacked = -1;
  cc->beyond_capacity_since = GST_CLOCK_TIME_NONE;
  for (i = 0; i < SENT_HISTORY; i++)
    cc->history[i].send_time = GST_CLOCK_TIME_NONE;
  return cc;
}

void
gst_rtcbot_congestion_free (GstRtcbotCongestion * cc)
{
  g_mutex_clear (&cc->lock);
  g_free (cc);
}

void
gst_rtcbot_congestion_set_target_func (GstRtcbotCongestion * cc,
    GstRtcbotCongestionTargetFunc func, gpointer user_data)
{
  g_mutex_lock (&cc->lock);
  cc->func = func;
  cc->user_data = user_data;
  g_mutex_unlock (&cc->lock);
}

/* with the lock: the target from the estimates received so far */
static guint
compute_target (GstRtcbotCongestion * cc)
{
  gdouble target = G_MAXDOUBLE;

  if (cc->delay_rate > 0)
    target = MIN (target, cc->delay_rate);
  if (cc->loss_rate > 0)
    target = MIN (target, cc->loss_rate);
  if (cc->remb_rate > 0)
    target = MIN (target, cc->remb_rate);
  if (target == G_MAXDOUBLE)
    return cc->start_bitrate;
  return (guint) CLAMP (target, cc->min_bitrate, cc->max_bitrate);
}

/* with the lock: whether the peer sends transport-wide feedback */
static gboolean
transport_wide (GstRtcbotCongestion * cc)
{
  return g_str_equal (cc->feedback, "transport-cc");
}

/* Releases the lock; calls the target function when the target moved
 * enough to matter. */
static void
unlock_and_report (GstRtcbotCongestion * cc)
{
  guint target = compute_target (cc);
  GstRtcbotCongestionTargetFunc func = NULL;
  gpointer user_data = NULL;
  gdouble change = fabs ((gdouble) target - cc->reported) /
      MAX (cc->reported, 1);

  if (target != cc->reported && (change >= REPORT_CHANGE
          || target == cc->min_bitrate || target == cc->max_bitrate)) {
    cc->reported = target;
    func = cc->func;
    user_data = cc->user_data;
  }
  g_mutex_unlock (&cc->lock);
  if (func) {
    GST_LOG ("target %u bit/s", target);
    func (cc, target, user_data);
  }
}

void
gst_rtcbot_congestion_set_limits (GstRtcbotCongestion * cc,
    guint min_bitrate, guint max_bitrate)
{
  g_mutex_lock (&cc->lock);
  cc->min_bitrate = MIN (min_bitrate, max_bitrate);
  cc->max_bitrate = MAX (min_bitrate, max_bitrate);
  cc->start_bitrate = CLAMP (cc->start_bitrate, cc->min_bitrate,
      cc->max_bitrate);
  unlock_and_report (cc);
}

/* estimates never wander far outside the limits, so that one coming back
 * from an extreme takes no longer than one coming from the edge */
static gdouble
bounded (GstRtcbotCongestion * cc, gdouble rate)
{
  if (!isfinite (rate))
    return cc->max_bitrate;
  return CLAMP (rate, cc->min_bitrate, cc->max_bitrate);
}

static void
rate_window_add (RateWindow * w, GstClockTime now, guint bytes)
{
  GstClockTimeDiff span;

  if (!GST_CLOCK_TIME_IS_VALID (w->start) || now < w->start) {
    w->start = now;
    w->bytes = 0;
  }
  span = GST_CLOCK_DIFF (w->start, now);
  if (span >= (GstClockTimeDiff) w->length) {
    w->rate = w->bytes * 8.0 * GST_SECOND / span;
    w->start = now;
    w->bytes = 0;
  }
  w->bytes += bytes;
}

/* One feedback report's arrivals: @bytes after its first packet, which
 * arrived @span before its last. */
static void
delivery_window_add (DeliveryWindow * w, GstClockTime now, guint64 bytes,
    GstClockTime span)
{
  if (!GST_CLOCK_TIME_IS_VALID (w->start) || now < w->start) {
    w->start = now;
    w->bytes = 0;
    w->span = 0;
  }
  if (now - w->start >= RECENT_WINDOW && w->span > 0) {
    w->rate = w->bytes * 8.0 * GST_SECOND / w->span;
    w->start = now;
    w->bytes = 0;
    w->span = 0;
  }
  w->bytes += bytes;
  w->span += span;
}

/* What got through lately: the last full window, or the one being
 * filled when it already says less (a link that has just shrunk). */
static gdouble
delivery_window_rate (const DeliveryWindow * w)
{
  gdouble partial = 0;

  if (w->span >= DELIVERY_MIN_SPAN)
    partial = w->bytes * 8.0 * GST_SECOND / w->span;
  if (w->rate > 0 && partial > 0)
    return MIN (w->rate, partial);
  return w->rate > 0 ? w->rate : partial;
}

/* The window's rate, 0 once no byte arrived for two windows. */
static guint
rate_window_rate (const RateWindow * w, GstClockTime now)
{
  if (!GST_CLOCK_TIME_IS_VALID (w->start) || now < w->start
      || now - w->start > 2 * w->length)
    return 0;
  return (guint) MIN (w->rate, G_MAXUINT);
}

static const gchar *signal_nick (GstRtcbotCongestionSignal signal);

/* ---------------------------------------------------------------------- */
/* delay-based: the trend of one-way delay variation between groups        */

static gdouble
trend_slope (GstRtcbotCongestion * cc)
{
  guint n = MIN (cc->trend_count, TREND_WINDOW), i;
  gdouble mean_x = 0, mean_y = 0, num = 0, den = 0;

  if (n < 2)
    return 0;
  for (i = 0; i < n; i++) {
    mean_x += cc->trend_x[i];
    mean_y += cc->trend_y[i];
  }
  mean_x /= n;
  mean_y /= n;
  for (i = 0; i < n; i++) {
    num += (cc->trend_x[i] - mean_x) * (cc->trend_y[i] - mean_y);
    den += (cc->trend_x[i] - mean_x) * (cc->trend_x[i] - mean_x);
  }
  return den > 0 ? num / den : 0;
}

static void
update_threshold (GstRtcbotCongestion * cc, gdouble trend, GstClockTime now)
{
  gdouble dt_ms, k;

  if (!GST_CLOCK_TIME_IS_VALID (cc->last_threshold_update)
      || now < cc->last_threshold_update)
    cc->last_threshold_update = now;
  /* a single spike must not drag the threshold up */
  if (fabs (trend) > cc->threshold + 15.0) {
    cc->last_threshold_update = now;
    return;
  }
  dt_ms = MIN (GST_CLOCK_DIFF (cc->last_threshold_update, now), 100 *
      GST_MSECOND) / (gdouble) GST_MSECOND;
  k = fabs (trend) < cc->threshold ? THRESHOLD_DOWN : THRESHOLD_UP;
  cc->threshold += k * (fabs (trend) - cc->threshold) * dt_ms;
  cc->threshold = CLAMP (cc->threshold, THRESHOLD_MIN, THRESHOLD_MAX);
  cc->last_threshold_update = now;
}

static void
reset_trend (GstRtcbotCongestion * cc)
{
  cc->previous.valid = FALSE;
  cc->accumulated_delay = 0;
  cc->smoothed_delay = 0;
  cc->trend_count = 0;
  cc->deltas = 0;
  cc->first_arrival = GST_CLOCK_TIME_NONE;
  cc->overuse_time = 0;
  cc->previous_trend = 0;
  cc->signal = GST_RTCBOT_CONGESTION_NORMAL;
  cc->floor_window_start = GST_CLOCK_TIME_NONE;
}

/* One completed group against the one before it. */
static void
detect (GstRtcbotCongestion * cc, const PacketGroup * group, GstClockTime now)
{
  GstClockTimeDiff send_delta, arrival_delta;
  gdouble delay_ms, trend;
  guint slot;

  if (!cc->previous.valid) {
    cc->previous = *group;
    return;
  }
  send_delta = GST_CLOCK_DIFF (cc->previous.last_send, group->last_send);
  arrival_delta = GST_CLOCK_DIFF (cc->previous.last_arrival,
      group->last_arrival);
  if (send_delta < 0 || send_delta > MAX_SEND_GAP
      || arrival_delta < -MAX_ARRIVAL_JUMP
      || arrival_delta > MAX_ARRIVAL_JUMP) {
    reset_trend (cc);
    cc->previous = *group;
    return;
  }
  cc->previous = *group;

  delay_ms = (arrival_delta - send_delta) / (gdouble) GST_MSECOND;
  if (!GST_CLOCK_TIME_IS_VALID (cc->first_arrival))
    cc->first_arrival = group->last_arrival;
  cc->accumulated_delay += delay_ms;
  cc->smoothed_delay = TREND_SMOOTHING * cc->smoothed_delay +
      (1 - TREND_SMOOTHING) * cc->accumulated_delay;
  slot = cc->trend_count % TREND_WINDOW;
  cc->trend_x[slot] = GST_CLOCK_DIFF (cc->first_arrival, group->last_arrival)
      / (gdouble) GST_MSECOND;
  cc->trend_y[slot] = cc->smoothed_delay;
  cc->trend_count++;
  cc->deltas++;
  if (cc->trend_count < TREND_WINDOW)
    return;

  trend = trend_slope (cc) * MIN (cc->deltas, 60) * TREND_GAIN;
  if (trend > cc->threshold) {
    cc->overuse_time += send_delta;
    if (cc->overuse_time > OVERUSE_TIME && trend >= cc->previous_trend)
      cc->signal = GST_RTCBOT_CONGESTION_OVERUSE;
  } else if (trend < -cc->threshold) {
    cc->overuse_time = 0;
    cc->signal = GST_RTCBOT_CONGESTION_UNDERUSE;
  } else {
    cc->overuse_time = 0;
    cc->signal = GST_RTCBOT_CONGESTION_NORMAL;
  }
  cc->previous_trend = trend;
  update_threshold (cc, trend, now);
}

/* with the lock: how far the capacity estimate reaches either side */
static gdouble
capacity_deviation (GstRtcbotCongestion * cc)
{
  gdouble kbps = cc->capacity / 1000;

  return sqrt (cc->capacity_variance * kbps) * 1000;
}

/* with the lock: what got through when the delay said overuse */
static void
update_capacity (GstRtcbotCongestion * cc, gdouble acked)
{
  gdouble error;

  cc->capacity_expired = FALSE;
  if (cc->capacity > 0 && fabs (acked - cc->capacity) >
      3 * capacity_deviation (cc))
    cc->capacity = 0;
  if (cc->capacity <= 0) {
    cc->capacity = acked;
    cc->capacity_variance = 0.4;
    return;
  }
  cc->capacity = CAPACITY_SMOOTHING * cc->capacity +
      (1 - CAPACITY_SMOOTHING) * acked;
  error = (cc->capacity - acked) / 1000;
  cc->capacity_variance = CLAMP (CAPACITY_SMOOTHING * cc->capacity_variance
      + (1 - CAPACITY_SMOOTHING) * error * error / MAX (cc->capacity / 1000,
          1), 0.4, 2.5);
}

/* with the lock: one packet's one-way delay, against its floor */
static void
track_queue_delay (GstRtcbotCongestion * cc,
    const GstRtcbotCongestionPacket * p, GstClockTime now)
{
  GstClockTimeDiff delay;

  /* times this far out are garbage, and their differences would not fit */
  if (p->send_time > MAX_SANE_TIME || p->arrival_time > MAX_SANE_TIME)
    return;
  delay = GST_CLOCK_DIFF (p->send_time, p->arrival_time);
  if (!GST_CLOCK_TIME_IS_VALID (cc->floor_window_start)
      || now < cc->floor_window_start) {
    cc->floor_window_start = now;
    cc->delay_floor = cc->previous_floor = delay;
  } else if (now - cc->floor_window_start >= QUEUE_FLOOR_WINDOW) {
    cc->floor_window_start = now;
    cc->previous_floor = cc->delay_floor;
    cc->delay_floor = delay;
  }
  cc->delay_floor = MIN (cc->delay_floor, delay);
  cc->last_delay = delay;
}

/* with the lock: how long packets now wait in a queue, 0 when unknown */
static GstClockTime
queue_delay (GstRtcbotCongestion * cc)
{
  GstClockTimeDiff floor = MIN (cc->delay_floor, cc->previous_floor);

  if (!GST_CLOCK_TIME_IS_VALID (cc->floor_window_start)
      || cc->last_delay <= floor)
    return 0;
  return cc->last_delay - floor;
}

/* with the lock: the round trip the increase waits on, see RTT_PEAK_SPAN */
static GstClockTime
response_rtt (GstRtcbotCongestion * cc, GstClockTime now)
{
  GstClockTime rtt = GST_CLOCK_TIME_IS_VALID (cc->rtt) ? cc->rtt :
      100 * GST_MSECOND;

  if (GST_CLOCK_TIME_IS_VALID (cc->rtt_peak) && now >= cc->rtt_peak_time
      && now - cc->rtt_peak_time <= RTT_PEAK_SPAN)
    rtt = MAX (rtt, cc->rtt_peak);
  return MIN (rtt, GST_SECOND);
}

/* The delay-based estimate after a feedback report (AIMD). @shrunk_to:
 * the link's new rate when the report shows it has just shrunk, else 0;
 * @drained_at: the rate at which the report's queued packets left the
 * queue, 0 when too few of them waited. */
static void
control_delay_rate (GstRtcbotCongestion * cc, GstClockTime now,
    gdouble shrunk_to, gdouble drained_at)
{
  gdouble seconds, factor, acked, delivered, sent;
  GstClockTime queued;
  gboolean standing;

  if (cc->delay_rate <= 0)
    cc->delay_rate = cc->reported;
  if (!GST_CLOCK_TIME_IS_VALID (cc->last_delay_update)
      || now < cc->last_delay_update)
    cc->last_delay_update = now;
  seconds = MIN (GST_CLOCK_DIFF (cc->last_delay_update, now),
      GST_SECOND) / (gdouble) GST_SECOND;
  cc->last_delay_update = now;

  queued = queue_delay (cc);
  standing = queued > QUEUE_DELAY_LIMIT || shrunk_to > 0;
  if (standing && cc->signal != GST_RTCBOT_CONGESTION_UNDERUSE)
    cc->signal = GST_RTCBOT_CONGESTION_OVERUSE;
  /* A standing queue is drained below what the link carries; once it is
   * gone, sending goes back to just under that at once rather than
   * climbing from the draining rate for seconds. */
  if (cc->drained_rate > 0 && queued < QUEUE_DRAINED) {
    GST_DEBUG ("queue drained: delay-based estimate back to %.0f bit/s",
        MAX (cc->delay_rate, cc->drained_rate));
    cc->delay_rate = MAX (cc->delay_rate, cc->drained_rate);
    cc->drained_rate = 0;
  }

  switch (cc->signal) {
    case GST_RTCBOT_CONGESTION_OVERUSE:
      /* a mild decrease just before does not delay the hold a shrunk
       * link calls for */
      if (!(shrunk_to > 0 && cc->drained_rate <= 0)
          && GST_CLOCK_TIME_IS_VALID (cc->last_decrease)
          && now >= cc->last_decrease
          && now - cc->last_decrease < MIN_DECREASE_INTERVAL)
        break;
      /* Feedback on what was sent before media was held says nothing of
       * the queue since; what got through while the queue stood is still
       * the link's rate, which sending must not exceed. */
      if (cc->drained_rate > 0 && GST_CLOCK_TIME_IS_VALID (cc->hold_until)
          && cc->newest_send < cc->hold_until) {
        delivered = delivery_window_rate (&cc->delivered);
        /* a shaper's bucket lets a burst through at line rate as the
         * queue starts, which the window still counts; the queue itself
         * drains at the link's rate */
        if (drained_at > 0)
          delivered = delivered > 0 ? MIN (delivered, drained_at) : drained_at;
        if (delivered > 0 && queued > QUEUE_DELAY_LIMIT) {
          cc->delay_rate = MIN (cc->delay_rate, DECREASE_FACTOR * delivered);
          cc->drained_rate = MIN (cc->drained_rate,
              DECREASE_FACTOR * delivered);
        }
        break;
      }
      /* below what gets through; a queue still standing after the hold
       * by enough to drain it within about a second */
      factor = DECREASE_FACTOR;
      if (queued > QUEUE_DELAY_LIMIT && cc->drained_rate > 0)
        factor = MAX (0.4, DECREASE_FACTOR - queued / (gdouble) GST_SECOND);
      /* What got through lately, measured within the reports, and no
       * more than was sent (packets sent back to back arrive so). The
       * window over arrivals, which lost reports make short, stands in
       * for what was sent when that is not counted. */
      delivered = delivery_window_rate (&cc->delivered);
      sent = rate_window_rate (&cc->sent, now);
      /* a hold within the window left the sender idle: what it sent over
       * the window is less than the encoder sends and the link carries */
      if (GST_CLOCK_TIME_IS_VALID (cc->hold_until)
          && now < cc->hold_until + RATE_WINDOW)
        sent = MAX (sent, cc->acked.rate);
      if (sent <= 0)
        sent = cc->acked.rate;
      acked = delivered > 0 && sent > 0 ? MIN (delivered, sent) :
          delivered > 0 ? delivered : cc->acked.rate;
      if (shrunk_to > 0)
        acked = acked > 0 ? MIN (acked, shrunk_to) : shrunk_to;
      if (standing) {
        gdouble back = DECREASE_FACTOR * (acked > 0 ? acked : cc->delay_rate);

        /* The first sign of a standing queue: media waits until the
         * link has carried the queue and what was sent since the packets
         * just reported, so that it drains at the link's full rate;
         * messages, which are not held, then cross an empty path. The
         * newest packet reported left the queue when it had waited
         * there; part of what was sent since has left it by now, while
         * its report was on the way. Holding longer would leave the link
         * idle and the picture frozen. */
        if (cc->drained_rate <= 0) {
          GstClockTime in_flight = 0, elapsed = 0, left;

          if (acked >= 1 && now > cc->newest_send) {
            elapsed = MIN (now - cc->newest_send, GST_SECOND);
            /* in doubles: garbage feedback can make the acked rate larger
             * than 64 bits hold; the result is at most 2^32 s anyway */
            in_flight = (GstClockTime) ((gdouble) rate_window_rate
                (&cc->sent, now) * elapsed / acked);
          }
          left = queued + in_flight > elapsed ?
              queued + in_flight - elapsed : 0;
          if (now <= MAX_SANE_TIME && left > 0)
            cc->hold_until = now + MIN (left, MAX_HOLD);
          /* measured while the queue stood for certain; later reports
           * follow the hold, which left the link idle */
          cc->drained_rate = back;
        }
      }
      /* an encoder sending well below the estimate (a still picture, a
       * small level) says nothing of what the link carries */
      if (acked > 0 && sent >= PROBE_APP_LIMITED * cc->delay_rate)
        update_capacity (cc, acked);
      cc->delay_rate = MIN (cc->delay_rate, factor *
          (acked > 0 ? acked : cc->delay_rate));
      cc->last_decrease = now;
      GST_DEBUG ("overuse, queue %" GST_TIME_FORMAT ", acked %.0f (over 1 s "
          "%.0f, delivered %.0f, sent %.0f): delay-based estimate %.0f bit/s",
          GST_TIME_ARGS (queued), acked, cc->acked.rate, delivered, sent,
          cc->delay_rate);
      break;
    case GST_RTCBOT_CONGESTION_NORMAL:{
      gdouble increased, through;

      /* More got through than was found before, for long enough that it
       * is not a shaper's burst, or no decrease for long: the link has
       * grown, or may have (an encoder held below the link by a smaller
       * level cannot show it by its throughput). */
      if (cc->capacity > 0 && GST_CLOCK_TIME_IS_VALID (cc->last_decrease)
          && now >= cc->last_decrease
          && now - cc->last_decrease >= CAPACITY_EXPIRY) {
        cc->capacity = 0;
        cc->capacity_expired = TRUE;
      } else if (cc->capacity > 0 && cc->acked.rate > cc->capacity +
          3 * capacity_deviation (cc)) {
        if (!GST_CLOCK_TIME_IS_VALID (cc->beyond_capacity_since))
          cc->beyond_capacity_since = now;
        else if (now - cc->beyond_capacity_since >= GROWN_LINK_TIME)
          cc->capacity = 0;
      } else {
        cc->beyond_capacity_since = GST_CLOCK_TIME_NONE;
      }
      if (cc->capacity > 0) {
        GstClockTime response = RESPONSE_TIME_BASE + response_rtt (cc, now);

        increased = cc->delay_rate + ADDITIVE_PACKET_BITS * seconds *
            GST_SECOND / response;
      } else {
        increased = cc->delay_rate * pow (INCREASE_PER_SECOND, seconds);
      }
      /* no further than what got through can justify; this limits the
       * increase only, so that what a probe found is kept. Lost feedback
       * makes the window over arrivals count short, the rate within the
       * reports does not. */
      through = MAX (cc->acked.rate, delivery_window_rate (&cc->delivered));
      if (through > 0)
        increased = MIN (increased, MAX (cc->delay_rate,
                1.5 * through + 10000));
      cc->delay_rate = increased;
      break;
    }
    case GST_RTCBOT_CONGESTION_UNDERUSE:
      /* queues draining: hold until they are empty */
      break;
  }
  cc->delay_rate = bounded (cc, cc->delay_rate);
}

/* Adds @p to @q when it waited in a queue for at least @wait: @floor is
 * the one-way delay of an empty path. */
static void
queued_packets_add (QueuedPackets * q, const GstRtcbotCongestionPacket * p,
    GstClockTimeDiff floor, GstClockTimeDiff wait)
{
  GstClockTimeDiff delay;

  if (p->send_time > MAX_SANE_TIME || p->arrival_time > MAX_SANE_TIME)
    return;
  delay = GST_CLOCK_DIFF (p->send_time, p->arrival_time) - floor;
  if (delay < wait)
    return;
  if (q->count++ == 0)
    q->first = GST_CLOCK_TIME_NONE;
  q->bytes += p->size;
  if (p->arrival_time < q->first) {
    q->first = p->arrival_time;
    q->first_size = p->size;
    q->first_delay = delay;
  }
  if (p->arrival_time >= q->last) {
    q->last = p->arrival_time;
    q->last_delay = delay;
  }
}

/* with the lock: the queued packets of a report */
static void
queued_packets (GstRtcbotCongestion * cc,
    const GstRtcbotCongestionPacket * packets, guint n_packets,
    QueuedPackets * q)
{
  GstClockTimeDiff floor = MIN (cc->delay_floor, cc->previous_floor);
  guint i;

  memset (q, 0, sizeof (*q));
  for (i = 0; i < n_packets; i++)
    queued_packets_add (q, &packets[i], floor, QUEUED_PACKET_DELAY);
}

/* the rate at which @q left the queue, 0 when too few of them waited */
static gdouble
queued_packets_rate (const QueuedPackets * q)
{
  if (q->count < 2 || q->last < q->first + QUEUED_MIN_SPAN)
    return 0;
  return (q->bytes - q->first_size) * 8.0 * GST_SECOND / (q->last - q->first);
}

/* ---------------------------------------------------------------------- */
/* probing                                                                */

/* with the lock: a capacity found at a decrease not CAPACITY_LIFETIME ago */
static gboolean
capacity_is_recent (GstRtcbotCongestion * cc, GstClockTime now)
{
  return cc->capacity > 0 && GST_CLOCK_TIME_IS_VALID (cc->last_decrease)
      && now >= cc->last_decrease
      && now - cc->last_decrease < CAPACITY_LIFETIME;
}

/* With the lock: how far a probe may go. Beyond the capacity found at a
 * recent decrease a probe only reaches its edge: a shaper's token bucket
 * lets a burst through at line rate once the sender has stayed below its
 * rate for a while, which is exactly when probes are sent. Later it goes
 * a step at a time; only throughput beyond the edge forgets the capacity
 * (see control_delay_rate()), and no decrease for long only lets the
 * steps grow with the estimate. */
static gdouble
probe_ceiling (GstRtcbotCongestion * cc, GstClockTime now)
{
  gdouble edge;

  if (cc->capacity <= 0)
    return cc->capacity_expired ? PROBE_STEP * cc->delay_rate : G_MAXDOUBLE;
  edge = cc->capacity + 3 * capacity_deviation (cc);
  if (capacity_is_recent (cc, now))
    return edge;
  return PROBE_STEP * MAX (edge, cc->acked.rate);
}

/* with the lock: what the finished probe found */
static void
probe_finish (GstRtcbotCongestion * cc, GstClockTime now)
{
  Probe *probe = &cc->probe;
  GstClockTimeDiff send_span = GST_CLOCK_DIFF (probe->first_send,
      probe->last_send);
  GstClockTimeDiff arrival_span = GST_CLOCK_DIFF (probe->first_arrival,
      probe->last_arrival);
  gdouble send_rate, receive_rate, found, queued_rate;

  probe->start = GST_CLOCK_TIME_NONE;
  cc->next_probe = now + cc->probe_interval;
  cc->probe_interval = MIN (2 * cc->probe_interval, PROBE_INTERVAL_LONGEST);
  if (probe->packets < PROBE_MIN_PACKETS || probe->lost * 10 > probe->packets
      || send_span <= 0 || arrival_span <= 0) {
    GST_DEBUG ("probe at %.0f bit/s: %u packets, %u lost: no result",
        probe->rate, probe->packets, probe->lost);
    return;
  }
  /* a rate over a span counts the bytes sent after its first instant */
  send_rate = (probe->bytes - probe->first_size) * 8.0 * GST_SECOND / send_span;
  receive_rate = (probe->bytes - probe->first_size) * 8.0 * GST_SECOND /
      arrival_span;
  /* arriving slower than sent: the link's capacity, less a margin for the
   * queue the probe built */
  found = receive_rate < 0.9 * send_rate ? 0.95 * receive_rate :
      MIN (send_rate, receive_rate);
  /* more than was aimed at only says a token bucket let a burst through */
  found = MIN (found, probe->rate);
  /* its packets that queued behind the bucket's burst left at the link's
   * rate */
  queued_rate = queued_packets_rate (&probe->queued);
  if (queued_rate > 0)
    found = MIN (found, 0.95 * queued_rate);
  cc->probe_result = (guint) MIN (found, G_MAXUINT);
  GST_DEBUG ("probe at %.0f bit/s: %u packets (%u lost, %u queued), sent at "
      "%.0f, received at %.0f bit/s (queued at %.0f)", probe->rate,
      probe->packets, probe->lost, probe->queued.count, send_rate,
      receive_rate, queued_rate);
  found = MIN (found, probe_ceiling (cc, now));
  if (found >= PROBE_SUCCESS * probe->rate) {
    cc->next_probe = now + PROBE_INTERVAL_AFTER_SUCCESS;
    cc->probe_interval = PROBE_INTERVAL;
  }
  /* the probe saw no growing queue: both estimates may go that far */
  if (cc->signal != GST_RTCBOT_CONGESTION_OVERUSE) {
    if (cc->delay_rate > 0)
      cc->delay_rate = bounded (cc, MAX (cc->delay_rate, found));
    if (cc->loss_rate > 0)
      cc->loss_rate = bounded (cc, MAX (cc->loss_rate, found));
  }
}

/* with the lock: one packet of feedback, which may belong to the probe */
static void
probe_add (GstRtcbotCongestion * cc, const GstRtcbotCongestionPacket * p,
    GstClockTime now)
{
  Probe *probe = &cc->probe;

  if (!GST_CLOCK_TIME_IS_VALID (probe->start) || p->send_time < probe->start)
    return;
  if (p->send_time > probe->end) {
    probe_finish (cc, now);
    return;
  }
  probe->packets++;
  if (!GST_CLOCK_TIME_IS_VALID (p->arrival_time)) {
    probe->lost++;
    return;
  }
  if (probe->bytes == 0) {
    probe->first_send = p->send_time;
    probe->first_arrival = p->arrival_time;
    probe->first_size = p->size;
  }
  probe->bytes += p->size;
  probe->last_send = MAX (probe->last_send, p->send_time);
  probe->last_arrival = MAX (probe->last_arrival, p->arrival_time);
  probe->last_size = p->size;
  if (GST_CLOCK_TIME_IS_VALID (cc->floor_window_start))
    queued_packets_add (&probe->queued, p, MIN (cc->delay_floor,
            cc->previous_floor), PROBE_QUEUED_DELAY);
  /* the link is full: padding from now on would only lengthen the queue */
  if (probe->queued.count > 0 && now < probe->end)
    probe->end = MAX (now, probe->start);
}

/* with the lock: whether @rtt is well above the smallest round trip seen,
 * a queue on the path */
static gboolean
round_trip_shows_queue (GstRtcbotCongestion * cc, GstClockTime rtt)
{
  return GST_CLOCK_TIME_IS_VALID (rtt) && GST_CLOCK_TIME_IS_VALID (cc->min_rtt)
      && rtt > 2 * cc->min_rtt + RTT_QUEUEING;
}

/* with the lock */
static gboolean
probe_wanted (GstRtcbotCongestion * cc, GstClockTime now, guint target)
{
  /* near the top the increase closes the rest: an encoder that never
   * fills its maximum would otherwise be probed for ever */
  if (!transport_wide (cc) || cc->signal != GST_RTCBOT_CONGESTION_NORMAL
      || target >= PROBE_BELOW_MAX * cc->max_bitrate || now < cc->next_probe)
    return FALSE;
  if (GST_CLOCK_TIME_IS_VALID (cc->last_decrease)
      && now >= cc->last_decrease && now - cc->last_decrease < PROBE_INTERVAL)
    return FALSE;
  /* a standing queue: no room */
  if (round_trip_shows_queue (cc, cc->rtt))
    return FALSE;
  return rate_window_rate (&cc->sent, now) < PROBE_APP_LIMITED * target;
}

/**
 * gst_rtcbot_congestion_probe_padding:
 * @cc: the estimator
 * @now: the sender's clock, as given to gst_rtcbot_congestion_on_sent()
 *
 * The sender asks this between frames. When it sends less than the
 * estimate and the delay is steady, a probe starts: padding tops what is
 * sent up to twice the estimate for 150 ms, and the feedback on those
 * packets tells how much the path carries. Padding sent must also be
 * counted with gst_rtcbot_congestion_on_sent().
 *
 * Returns: the bytes of padding to send now, 0 when not probing.
 */
guint
gst_rtcbot_congestion_probe_padding (GstRtcbotCongestion * cc, GstClockTime now)
{
  Probe *probe = &cc->probe;
  guint target, bytes = 0;
  gdouble padding_rate;
  GstClockTime until;

  g_mutex_lock (&cc->lock);
  target = compute_target (cc);
  if (GST_CLOCK_TIME_IS_VALID (probe->start)) {
    /* its feedback never came: the next one starts from scratch */
    if (now > probe->end + PROBE_TIMEOUT || now < probe->start)
      probe_finish (cc, now);
  } else if (probe_wanted (cc, now, target)) {
    memset (probe, 0, sizeof (*probe));
    probe->start = now;
    /* one that can only reach the edge of the link just found raises the
     * estimate to no level the link does not carry: it need not outlast
     * a bucket, and would leave a queue where the link is full */
    probe->end = now + (capacity_is_recent (cc, now) ? PROBE_DURATION :
        PROBE_LONGEST);
    /* what it could find is all it sends: beyond that its padding would
     * only fill the queue that messages cross */
    probe->rate = MIN (PROBE_GAIN * target, cc->max_bitrate * 1.2);
    probe->rate = MIN (probe->rate, probe_ceiling (cc, now));
    cc->probes++;
  }
  until = MIN (now, probe->end);
  probe->paid_until = MAX (probe->paid_until, now - MIN (now, PADDING_SPAN));
  if (GST_CLOCK_TIME_IS_VALID (probe->start) && now <= probe->end
      && until > probe->paid_until) {
    padding_rate = probe->rate - rate_window_rate (&cc->sent, now);
    if (padding_rate > 0)
      bytes = padding_rate * GST_CLOCK_DIFF (probe->paid_until, until) /
          (8.0 * GST_SECOND);
    probe->paid_until = until;
    probe->padding += bytes;
    if (probe->padding >= PROBE_BURST && now >= probe->start + PROBE_DURATION)
      probe->end = now;
  }
  g_mutex_unlock (&cc->lock);
  return bytes;
}

/* With the lock. @delivered: what the peer received lately, 0 when
 * unknown. */
static void
update_loss_rate (GstRtcbotCongestion * cc, GstClockTime now, gdouble loss,
    gboolean queueing, gdouble delivered)
{
  gdouble seconds;

  if (cc->loss_rate <= 0)
    cc->loss_rate = cc->reported;
  if (!GST_CLOCK_TIME_IS_VALID (cc->last_loss_update)
      || now < cc->last_loss_update)
    cc->last_loss_update = now;
  seconds = MIN (GST_CLOCK_DIFF (cc->last_loss_update, now),
      GST_SECOND) / (gdouble) GST_SECOND;
  cc->last_loss_update = now;
  cc->loss = loss;

  /* one step per episode: the losses of the next round trip are still
   * those of the rate already left behind (a queue still filling is not) */
  if (loss > LOSS_HIGH && GST_CLOCK_TIME_IS_VALID (cc->last_loss_decrease)
      && now >= cc->last_loss_decrease
      && now - cc->last_loss_decrease < LOSS_DECREASE_INTERVAL +
      (GST_CLOCK_TIME_IS_VALID (cc->rtt) ? cc->rtt : 0)) {
    if (!queueing)
      return;
    loss = 0;
  }

  if (loss > LOSS_HIGH) {
    cc->loss_rate *= 1 - 0.5 * loss;
    /* a link dropping what it cannot carry says its rate at once: the
     * steps above take seconds to get there from far */
    if (delivered > 0) {
      cc->loss_rate = MIN (cc->loss_rate, DECREASE_FACTOR * delivered);
      cc->loss_capacity = delivered;
      cc->loss_capacity_time = now;
    }
    cc->last_loss_decrease = now;
    GST_DEBUG ("loss %.2f: loss-based estimate %.0f bit/s", loss,
        cc->loss_rate);
  } else if (queueing) {
    /* a queue filling, one report at a time; no episode of losses (their
     * decrease, when they come, is not held back by it). What the peer
     * received meanwhile is what the link carries: under it the queue
     * drains. */
    cc->loss_rate *= DECREASE_FACTOR;
    if (delivered > 0) {
      cc->loss_rate = MIN (cc->loss_rate, DECREASE_FACTOR * delivered);
      cc->loss_capacity = delivered;
      cc->loss_capacity_time = now;
    }
    GST_DEBUG ("round trip growing: loss-based estimate %.0f bit/s",
        cc->loss_rate);
  } else if (loss < LOSS_LOW && !cc->rtt_queueing) {
    gdouble grown = cc->loss_rate * pow (INCREASE_PER_SECOND, seconds);

    /* Beyond the rate the link carried at the last decrease, slowly: the
     * queue of a link found again fills over seconds, and the next round
     * trip shows it before it drops. Long after that decrease the link
     * may have grown: an encoder held at a level under it cannot show
     * that, so the rate found is let go. */
    if (cc->loss_capacity > 0 && now >= cc->loss_capacity_time
        && now - cc->loss_capacity_time > LOSS_CAPACITY_LIFETIME)
      cc->loss_capacity = 0;
    if (cc->loss_capacity > 0 && grown > cc->loss_capacity)
      grown = MIN (grown, MAX (cc->loss_rate, cc->loss_capacity) +
          LOSS_ADDITIVE_SHARE * cc->loss_capacity * seconds);
    cc->loss_rate = grown;
  }
  cc->loss_rate = bounded (cc, cc->loss_rate);
}

void
gst_rtcbot_congestion_on_packets (GstRtcbotCongestion * cc, GstClockTime now,
    const GstRtcbotCongestionPacket * packets, guint n_packets)
{
  guint i, lost = 0, counted = 0, valid = 0, arrived = 0, first_size = 0;
  GstClockTime first_arrival = GST_CLOCK_TIME_NONE, last_arrival = 0;
  GstClockTime first_send = GST_CLOCK_TIME_NONE, last_send = 0;
  guint64 bytes = 0;
  gdouble shrunk_to = 0, drained_at = 0;

  g_mutex_lock (&cc->lock);
  for (i = 0; i < n_packets; i++) {
    const GstRtcbotCongestionPacket *p = &packets[i];

    if (!GST_CLOCK_TIME_IS_VALID (p->send_time))
      continue;
    valid++;
    probe_add (cc, p, now);
    /* losses of a rate already left behind say nothing of the new one */
    if (!GST_CLOCK_TIME_IS_VALID (cc->last_loss_decrease)
        || p->send_time >= cc->last_loss_decrease) {
      counted++;
      if (!GST_CLOCK_TIME_IS_VALID (p->arrival_time))
        lost++;
    }
    if (!GST_CLOCK_TIME_IS_VALID (p->arrival_time))
      continue;
    rate_window_add (&cc->acked, p->arrival_time, p->size);
    track_queue_delay (cc, p, now);
    if (p->arrival_time <= MAX_SANE_TIME) {
      arrived++;
      if (p->send_time <= MAX_SANE_TIME) {
        cc->newest_send = MAX (cc->newest_send, p->send_time);
        first_send = MIN (first_send, p->send_time);
        last_send = MAX (last_send, p->send_time);
      }
      bytes += p->size;
      if (!GST_CLOCK_TIME_IS_VALID (first_arrival)
          || p->arrival_time < first_arrival) {
        first_arrival = p->arrival_time;
        first_size = p->size;
      }
      last_arrival = MAX (last_arrival, p->arrival_time);
    }

    if (!cc->group.valid) {
      cc->group.valid = TRUE;
      cc->group.first_send = cc->group.last_send = p->send_time;
      cc->group.last_arrival = p->arrival_time;
    } else if (p->send_time >= cc->group.first_send
        && p->send_time - cc->group.first_send <= GROUP_SPAN) {
      cc->group.last_send = MAX (cc->group.last_send, p->send_time);
      cc->group.last_arrival = MAX (cc->group.last_arrival, p->arrival_time);
    } else if (p->send_time < cc->group.first_send) {
      /* reordered, or the sender's clock went back: not a group of ours */
      continue;
    } else {
      PacketGroup done = cc->group;

      detect (cc, &done, now);
      cc->group.first_send = cc->group.last_send = p->send_time;
      cc->group.last_arrival = p->arrival_time;
    }
  }
  if (valid == 0) {
    g_mutex_unlock (&cc->lock);
    return;
  }
  cc->feedback = "transport-cc";
  /* a report across a hold would count the held time as an idle link */
  if (arrived >= 2 && last_arrival > first_arrival
      && !(GST_CLOCK_TIME_IS_VALID (cc->hold_until)
          && first_send < cc->hold_until && last_send >= cc->hold_until)) {
    GstClockTime arrival_span = last_arrival - first_arrival;
    QueuedPackets queued;

    delivery_window_add (&cc->delivered, now, bytes - first_size, arrival_span);
    queued_packets (cc, packets, n_packets, &queued);
    drained_at = queued_packets_rate (&queued);
    /* The link has just shrunk: the report's packets arrived at well
     * under the rate they were sent at, behind a queue already growing.
     * This is known one report after the change, long before the delay
     * trend or the standing queue says so; the queue built meanwhile
     * fills at several times the link's rate. */
    if (arrived >= SHRUNK_MIN_PACKETS && arrival_span >= DELIVERY_MIN_SPAN
        && last_send > first_send && queue_delay (cc) > SHRUNK_QUEUE
        && (gdouble) arrival_span * SHRUNK_RATIO > last_send - first_send) {
      shrunk_to = (bytes - first_size) * 8.0 * GST_SECOND / arrival_span;
      if (drained_at > 0)
        shrunk_to = MIN (shrunk_to, drained_at);
    }
    /* The same, seen when the report also holds packets a shaper's
     * bucket let through at line rate: what waited in the queue left it
     * at under half what has been sent lately, and under half of what the
     * link was last found to carry (near that, it is only a queue a
     * little more than the link built, which the hold is not for). The
     * queue grew from the first of them to the last, so it stood between
     * them and they left it back to back. */
    if (shrunk_to <= 0 && drained_at > 0
        && queue_delay (cc) > DRAINED_MIN_QUEUE
        && queued.last_delay - queued.first_delay >= QUEUED_PACKET_DELAY
        && drained_at < SHRUNK_RATIO * rate_window_rate (&cc->sent, now)
        && (cc->capacity <= 0 || drained_at < SHRUNK_RATIO * cc->capacity))
      shrunk_to = drained_at;
  }
  control_delay_rate (cc, now, shrunk_to, drained_at);
  GST_LOG ("%u packets, %u lost, queue %" GST_TIME_FORMAT ", %s, sent %u, "
      "acked %.0f (delivered %.0f), delay-based %.0f", valid, lost,
      GST_TIME_ARGS (queue_delay (cc)), signal_nick (cc->signal),
      rate_window_rate (&cc->sent, now), cc->acked.rate, cc->delivered.rate,
      cc->delay_rate);
  cc->loss_counted += counted;
  cc->loss_lost += lost;
  if (cc->loss_counted >= MIN_LOSS_PACKETS) {
    update_loss_rate (cc, now, (gdouble) cc->loss_lost / cc->loss_counted,
        FALSE, 0);
    cc->loss_counted = cc->loss_lost = 0;
  }
  unlock_and_report (cc);
}

void
gst_rtcbot_congestion_on_remb (GstRtcbotCongestion * cc, GstClockTime now,
    guint64 bitrate)
{
  g_mutex_lock (&cc->lock);
  if (!transport_wide (cc))
    cc->feedback = "remb";
  cc->remb_rate = bounded (cc, (gdouble) bitrate);
  GST_LOG ("REMB %" G_GUINT64_FORMAT " bit/s", bitrate);
  unlock_and_report (cc);
}

/* with the lock: when video packet @seq was sent, NONE when unknown */
static GstClockTime
sent_time (GstRtcbotCongestion * cc, guint16 seq)
{
  SentPacket *p = &cc->history[seq % SENT_HISTORY];

  return p->seq == seq ? p->send_time : GST_CLOCK_TIME_NONE;
}

/* with the lock: whether video packet @seq went out before the last
 * decrease for losses, at a rate already left behind */
static gboolean
sent_before_loss_decrease (GstRtcbotCongestion * cc, guint16 seq)
{
  GstClockTime sent = sent_time (cc, seq);

  return GST_CLOCK_TIME_IS_VALID (sent)
      && GST_CLOCK_TIME_IS_VALID (cc->last_loss_decrease)
      && sent < cc->last_loss_decrease;
}

/* with the lock: the bytes of the video packets after @from up to @to,
 * 0 when they are not all known */
static guint64
history_bytes (GstRtcbotCongestion * cc, guint16 from, guint16 to)
{
  guint64 bytes = 0;
  guint16 seq;

  if ((guint16) (to - from) >= SENT_HISTORY
      || !GST_CLOCK_TIME_IS_VALID (sent_time (cc, from)))
    return 0;
  for (seq = from + 1; seq != (guint16) (to + 1); seq++) {
    if (!GST_CLOCK_TIME_IS_VALID (sent_time (cc, seq)))
      return 0;
    bytes += cc->history[seq % SENT_HISTORY].size;
  }
  return bytes;
}

/* with the lock: the rate (bits/s) the video packets after @from up to
 * @to were sent at, 0 when unknown */
static gdouble
history_rate (GstRtcbotCongestion * cc, guint16 from, guint16 to)
{
  GstClockTime first = sent_time (cc, from), last = sent_time (cc, to);

  if (!GST_CLOCK_TIME_IS_VALID (first) || !GST_CLOCK_TIME_IS_VALID (last)
      || last < first + DELIVERY_MIN_SPAN)
    return 0;
  return history_bytes (cc, from, to) * 8.0 * GST_SECOND / (last - first);
}

/* With the lock, at a decrease for a queue seen to have waited @queued:
 * that queue still holds about as much, filled at the old rate, and at
 * the new rate would drain only by the share under the link, over
 * seconds, with every control message waiting in it: media waits
 * instead, as for a standing queue. */
static void
hold_for_queue (GstRtcbotCongestion * cc, GstClockTime now, GstClockTime queued)
{
  if (queued <= QUEUE_DRAINED)
    return;
  queued = MIN (queued, MAX_HOLD);
  if (!GST_CLOCK_TIME_IS_VALID (cc->hold_until) || cc->hold_until < now
      + queued)
    cc->hold_until = now + queued;
  GST_DEBUG ("a queue of %" GST_TIME_FORMAT ": media held",
      GST_TIME_ARGS (queued));
}

/* With the lock, at a decrease for NACKed losses: the newest packet NACKed
 * waited in the queue that dropped its neighbours for about as long as
 * its NACK took beyond the smallest round trip. */
static void
hold_for_nacked_queue (GstRtcbotCongestion * cc, GstClockTime now)
{
  GstClockTime sent = sent_time (cc, cc->newest_nacked), queued;

  if (!GST_CLOCK_TIME_IS_VALID (sent) || sent > now)
    return;
  queued = now - sent;
  if (GST_CLOCK_TIME_IS_VALID (cc->min_rtt))
    queued -= MIN (queued, cc->min_rtt);
  hold_for_queue (cc, now, queued);
}

/**
 * gst_rtcbot_congestion_on_sent_video:
 * @cc: the estimator
 * @now: the sender's clock, as given to gst_rtcbot_congestion_on_sent()
 * @seq: the packet's RTP sequence number
 * @size: its bytes
 *
 * A video packet went to a peer without transport-wide feedback (it is
 * also counted with gst_rtcbot_congestion_on_sent()). Its NACKs and
 * receiver reports name packets by these numbers: they tell at what rate
 * the lost packets were sent, and whether before the last decrease.
 */
void
gst_rtcbot_congestion_on_sent_video (GstRtcbotCongestion * cc,
    GstClockTime now, guint16 seq, guint size)
{
  SentPacket *p = &cc->history[seq % SENT_HISTORY];

  g_mutex_lock (&cc->lock);
  p->seq = seq;
  p->send_time = now;
  p->size = size;
  g_mutex_unlock (&cc->lock);
}

/**
 * gst_rtcbot_congestion_on_receiver_report:
 * @cc: the estimator
 * @now: the sender's clock, as given to gst_rtcbot_congestion_on_sent()
 * @fraction_lost: of the report block, in 256ths
 * @highest_seq: the highest sequence number received, of the report block
 *   on the video stream (its low 16 bits), -1 when unknown
 * @rtt: the round trip the report gives, NONE when it gives none
 */
void
gst_rtcbot_congestion_on_receiver_report (GstRtcbotCongestion * cc,
    GstClockTime now, guint8 fraction_lost, gint32 highest_seq,
    GstClockTime rtt)
{
  gdouble loss = fraction_lost / 256.0, sent = 0, delivered = 0;
  gboolean queueing = FALSE, old_rate = FALSE;

  g_mutex_lock (&cc->lock);
  /* the blocks of one compound packet (one per stream) come together:
   * the first stands for all */
  if (!GST_CLOCK_TIME_IS_VALID (cc->last_report) || now < cc->last_report
      || now - cc->last_report >= REPORT_MIN_SPAN) {
    if (GST_CLOCK_TIME_IS_VALID (cc->last_report) && now > cc->last_report) {
      sent = cc->sent_since_report * 8.0 * GST_SECOND / (now - cc->last_report);
      /* what the peer received between its two reports, when the packets
       * are known: under a growing queue far less than was sent */
      if (highest_seq >= 0 && cc->report_highest >= 0)
        delivered = history_bytes (cc, cc->report_highest, highest_seq) *
            8.0 * GST_SECOND * (1 - loss) / (now - cc->last_report);
    }
    /* its losses are partly of the rate the last decrease answered */
    old_rate = cc->report_highest >= 0
        && sent_before_loss_decrease (cc, cc->report_highest);
    cc->sent_since_report = 0;
    cc->last_report = now;
    if (highest_seq >= 0)
      cc->report_highest = highest_seq & 0xffff;
  }
  if (g_str_equal (cc->feedback, "none"))
    cc->feedback = "receiver-reports";
  if (GST_CLOCK_TIME_IS_VALID (rtt) && rtt > 0 && rtt < 60 * GST_SECOND) {
    if (!GST_CLOCK_TIME_IS_VALID (cc->min_rtt) || rtt < cc->min_rtt)
      cc->min_rtt = rtt;
    /* a queue that is not draining; transport-wide feedback sees queues
     * packet by packet, far sooner */
    cc->rtt_queueing = !transport_wide (cc)
        && round_trip_shows_queue (cc, rtt);
    queueing = cc->rtt_queueing
        && !(GST_CLOCK_TIME_IS_VALID (cc->rtt) && rtt < cc->rtt * RTT_DRAINING);
    cc->rtt = rtt;
    if (!GST_CLOCK_TIME_IS_VALID (cc->rtt_peak) || rtt >= cc->rtt_peak
        || now < cc->rtt_peak_time || now - cc->rtt_peak_time > RTT_PEAK_SPAN) {
      cc->rtt_peak = rtt;
      cc->rtt_peak_time = now;
    }
  }
  GST_LOG ("receiver report: %.3f lost, round trip %" GST_TIME_FORMAT
      " (smallest %" GST_TIME_FORMAT "), delivered %.0f bit/s", loss,
      GST_TIME_ARGS (rtt), GST_TIME_ARGS (cc->min_rtt), delivered);
  if (old_rate && !queueing) {
    unlock_and_report (cc);
    return;
  }
  /* with transport-wide feedback what arrived is known packet by packet,
   * and what was sent since the last report counts the holds of the
   * delay-based part as an idle link */
  if (transport_wide (cc))
    delivered = 0;
  else if (delivered <= 0)
    delivered = (1 - loss) * sent;
  update_loss_rate (cc, now, loss, queueing, delivered);
  /* the round trip beyond its floor is the queue's wait, or more where
   * the feedback waits in it too */
  if (queueing)
    hold_for_queue (cc, now, rtt - cc->min_rtt);
  unlock_and_report (cc);
}

void
gst_rtcbot_congestion_on_sent (GstRtcbotCongestion * cc, GstClockTime now,
    guint bytes)
{
  g_mutex_lock (&cc->lock);
  rate_window_add (&cc->sent, now, bytes);
  cc->sent_since_report += bytes;
  g_mutex_unlock (&cc->lock);
}

/* with the lock: 1 when @seq is newer than every packet NACKed so far */
static guint
nack_is_new (GstRtcbotCongestion * cc, guint16 seq)
{
  if (cc->newest_nacked >= 0 && (gint16) (seq - cc->newest_nacked) <= 0)
    return 0;
  cc->newest_nacked = seq;
  return 1;
}

/**
 * gst_rtcbot_congestion_on_nack:
 * @cc: the estimator
 * @now: the sender's clock, as given to gst_rtcbot_congestion_on_sent()
 * @fci: the FCI of a generic NACK (RFC 4585 6.2.1): PID and BLP pairs
 * @size: bytes in @fci
 *
 * A peer without transport-wide feedback lost packets. Peers list a
 * packet again until it comes, and video is never sent again: only
 * sequence numbers newer than every one listed before count, against the
 * sequence numbers from the newest listed before to the newest now.
 */
void
gst_rtcbot_congestion_on_nack (GstRtcbotCongestion * cc, GstClockTime now,
    const guint8 * fci, gsize size)
{
  gint32 before;
  gint span;
  gdouble loss, delivered;
  gsize i;
  guint bit;

  g_mutex_lock (&cc->lock);
  before = cc->newest_nacked;
  for (i = 0; fci != NULL && i + 4 <= size; i += 4) {
    guint16 pid = GST_READ_UINT16_BE (fci + i);
    guint16 blp = GST_READ_UINT16_BE (fci + i + 2);

    cc->nack_lost += nack_is_new (cc, pid);
    for (bit = 0; bit < 16; bit++)
      if (blp & (1 << bit))
        cc->nack_lost += nack_is_new (cc, pid + bit + 1);
  }
  span = before >= 0 ? (gint16) (cc->newest_nacked - before) : 0;
  if (before < 0 || span > NACK_FRESH || span < 0
      || sent_before_loss_decrease (cc, cc->newest_nacked)) {
    /* long ago, or lost at the rate the last decrease answered: the
     * losses of the new rate are yet to come */
    cc->nack_lost = cc->nack_span = 0;
  } else {
    if (cc->nack_span == 0)
      cc->nack_from = before;
    cc->nack_span += span;
  }
  GST_LOG ("NACK: %u new losses over %u sequence numbers", cc->nack_lost,
      cc->nack_span);
  /* what was sent then, less the share lost, arrived: the link's rate
   * (the bytes lost would say it less well: over the few packets counted
   * here, which of them a full queue drops varies too much) */
  if (cc->nack_span >= MIN_LOSS_PACKETS) {
    loss = MIN (1.0, (gdouble) cc->nack_lost / cc->nack_span);
    delivered = history_rate (cc, cc->nack_from, cc->newest_nacked);
    if (delivered <= 0)
      delivered = rate_window_rate (&cc->sent, now);
    delivered *= 1 - loss;
    if (loss > LOSS_HIGH && !transport_wide (cc)) {
      update_loss_rate (cc, now, loss, FALSE, delivered);
      if (cc->last_loss_decrease == now)
        hold_for_nacked_queue (cc, now);
    }
    cc->nack_lost = cc->nack_span = 0;
  }
  unlock_and_report (cc);
}

/**
 * gst_rtcbot_congestion_get_hold:
 * @cc: the estimator
 *
 * When a standing queue is found on the path, media is to wait until the
 * returned time (the clock of gst_rtcbot_congestion_on_sent()) so that
 * the queue drains; messages are not held.
 *
 * Returns: the time until which media waits, or GST_CLOCK_TIME_NONE.
 */
GstClockTime
gst_rtcbot_congestion_get_hold (GstRtcbotCongestion * cc)
{
  GstClockTime hold;

  g_mutex_lock (&cc->lock);
  hold = cc->hold_until;
  g_mutex_unlock (&cc->lock);
  return hold;
}

guint
gst_rtcbot_congestion_get_target (GstRtcbotCongestion * cc)
{
  guint target;

  g_mutex_lock (&cc->lock);
  target = compute_target (cc);
  g_mutex_unlock (&cc->lock);
  return target;
}

/* Whether the peer sends transport-wide feedback: the delay of each
 * packet, which shows a queue growing before it drops. */
gboolean
gst_rtcbot_congestion_has_transport_feedback (GstRtcbotCongestion * cc)
{
  gboolean has;

  g_mutex_lock (&cc->lock);
  has = transport_wide (cc);
  g_mutex_unlock (&cc->lock);
  return has;
}

static const gchar *
signal_nick (GstRtcbotCongestionSignal signal)
{
  switch (signal) {
    case GST_RTCBOT_CONGESTION_OVERUSE:
      return "overuse";
    case GST_RTCBOT_CONGESTION_UNDERUSE:
      return "underuse";
    default:
      return "normal";
  }
}

GstStructure *
gst_rtcbot_congestion_get_stats (GstRtcbotCongestion * cc, GstClockTime now)
{
  GstStructure *s;

  g_mutex_lock (&cc->lock);
  s = gst_structure_new ("rtcbot-congestion",
      "estimate", G_TYPE_UINT, compute_target (cc),
      "feedback", G_TYPE_STRING, cc->feedback,
      "sent-bitrate", G_TYPE_UINT, rate_window_rate (&cc->sent, now),
      "acked-bitrate", G_TYPE_UINT, (guint) MIN (cc->acked.rate, G_MAXUINT),
      "delay-based", G_TYPE_UINT, (guint) cc->delay_rate,
      "loss-based", G_TYPE_UINT, (guint) cc->loss_rate,
      "remb", G_TYPE_UINT, (guint) cc->remb_rate,
      "delay-signal", G_TYPE_STRING, signal_nick (cc->signal),
      "loss", G_TYPE_DOUBLE, cc->loss,
      "rtt", G_TYPE_UINT64, GST_CLOCK_TIME_IS_VALID (cc->rtt) ?
      (guint64) cc->rtt : G_GUINT64_CONSTANT (0),
      "probes", G_TYPE_UINT, cc->probes,
      "probe-result", G_TYPE_UINT, cc->probe_result, NULL);
  g_mutex_unlock (&cc->lock);
  return s;
}

/* The FCI of an RTCP PSFB application-layer feedback (RFC 4585, fmt 15)
 * holding REMB (draft-alvestrand-rmcat-remb-03): "REMB", the SSRC count,
 * a 6-bit exponent and 18-bit mantissa, then the SSRCs. */
gboolean
gst_rtcbot_congestion_parse_remb (const guint8 * fci, gsize size,
    guint64 * bitrate, guint32 * ssrcs, guint max_ssrcs, guint * n_ssrcs)
{
  guint count, exponent, i;
  guint64 mantissa;

  *n_ssrcs = 0;
  if (fci == NULL || size < 8 || memcmp (fci, "REMB", 4) != 0)
    return FALSE;
  count = fci[4];
  if (size < 8 + 4 * (gsize) count)
    return FALSE;
  exponent = fci[5] >> 2;
  mantissa = ((guint64) (fci[5] & 0x3) << 16) | (fci[6] << 8) | fci[7];
  /* 18 bits shifted by up to 63 may not fit: saturate */
  if (mantissa != 0 && g_bit_nth_msf (mantissa, -1) + exponent > 63)
    *bitrate = G_MAXUINT64;
  else
    *bitrate = mantissa << exponent;
  for (i = 0; i < count && i < max_ssrcs; i++)
    ssrcs[i] = GST_READ_UINT32_BE (fci + 8 + 4 * i);
  *n_ssrcs = MIN (count, max_ssrcs);
  return TRUE;
}
