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
/* multiplicative increase per second while nothing says stop */
#define INCREASE_PER_SECOND 1.20
/* loss thresholds of the loss-based estimate (GCC's 2 % and 10 %) */
#define LOSS_LOW 0.02
#define LOSS_HIGH 0.10
/* packets a transport-wide loss fraction is computed over */
#define MIN_LOSS_PACKETS 20
/* a round-trip this much above the smallest seen means queues filling
 * (for peers that give only receiver reports) */
#define RTT_QUEUEING (150 * GST_MSECOND)
/* a target change smaller than this share is not reported */
#define REPORT_CHANGE 0.03
/* window of the sent and acknowledged bitrates */
#define RATE_WINDOW (GST_SECOND)

typedef struct
{
  GstClockTime first_send;
  GstClockTime last_send;
  GstClockTime last_arrival;
  gboolean valid;
} PacketGroup;

typedef struct
{
  GstClockTime start;
  guint64 bytes;
  gdouble rate;                 /* bits/s of the last full window, 0 = none */
} RateWindow;

struct _GstRtcbotCongestion
{
  GMutex lock;

  /* lock */
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

  /* loss-based estimate */
  GstClockTime last_loss_update;
  GstClockTime last_loss_decrease;
  gdouble loss;                 /* last fraction lost, 0..1 */
  guint loss_counted, loss_lost;        /* transport-cc, not yet used */
  GstClockTime rtt;
  GstClockTime min_rtt;

  RateWindow sent;
  const gchar *feedback;        /* the best kind received so far */
};

GstRtcbotCongestion *
gst_rtcbot_congestion_new (guint min_bitrate, guint max_bitrate,
    guint start_bitrate)
{
  GstRtcbotCongestion *cc = g_new0 (GstRtcbotCongestion, 1);

  g_mutex_init (&cc->lock);
  cc->min_bitrate = MIN (min_bitrate, max_bitrate);
  cc->max_bitrate = MAX (min_bitrate, max_bitrate);
  cc->start_bitrate = CLAMP (start_bitrate, cc->min_bitrate, cc->max_bitrate);
  cc->reported = cc->start_bitrate;
  cc->threshold = THRESHOLD_START;
  cc->rtt = GST_CLOCK_TIME_NONE;
  cc->min_rtt = GST_CLOCK_TIME_NONE;
  cc->first_arrival = GST_CLOCK_TIME_NONE;
  cc->last_threshold_update = GST_CLOCK_TIME_NONE;
  cc->last_delay_update = GST_CLOCK_TIME_NONE;
  cc->last_decrease = GST_CLOCK_TIME_NONE;
  cc->last_loss_update = GST_CLOCK_TIME_NONE;
  cc->last_loss_decrease = GST_CLOCK_TIME_NONE;
  cc->acked.start = GST_CLOCK_TIME_NONE;
  cc->sent.start = GST_CLOCK_TIME_NONE;
  cc->feedback = "none";
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
  if (func)
    func (cc, target, user_data);
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
  if (span >= RATE_WINDOW) {
    w->rate = w->bytes * 8.0 * GST_SECOND / span;
    w->start = now;
    w->bytes = 0;
  }
  w->bytes += bytes;
}

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

/* The delay-based estimate after a feedback report (AIMD). */
static void
control_delay_rate (GstRtcbotCongestion * cc, GstClockTime now)
{
  gdouble seconds;

  if (cc->delay_rate <= 0)
    cc->delay_rate = cc->reported;
  if (!GST_CLOCK_TIME_IS_VALID (cc->last_delay_update)
      || now < cc->last_delay_update)
    cc->last_delay_update = now;
  seconds = MIN (GST_CLOCK_DIFF (cc->last_delay_update, now),
      GST_SECOND) / (gdouble) GST_SECOND;
  cc->last_delay_update = now;

  switch (cc->signal) {
    case GST_RTCBOT_CONGESTION_OVERUSE:
      if (GST_CLOCK_TIME_IS_VALID (cc->last_decrease)
          && now >= cc->last_decrease
          && now - cc->last_decrease < MIN_DECREASE_INTERVAL)
        break;
      cc->delay_rate = MIN (cc->delay_rate, DECREASE_FACTOR *
          (cc->acked.rate > 0 ? cc->acked.rate : cc->delay_rate));
      cc->last_decrease = now;
      break;
    case GST_RTCBOT_CONGESTION_NORMAL:
      cc->delay_rate *= pow (INCREASE_PER_SECOND, seconds);
      /* no further than what got through can justify */
      if (cc->acked.rate > 0)
        cc->delay_rate = MIN (cc->delay_rate, 1.5 * cc->acked.rate + 100000);
      break;
    case GST_RTCBOT_CONGESTION_UNDERUSE:
      /* queues draining: hold until they are empty */
      break;
  }
  cc->delay_rate = bounded (cc, cc->delay_rate);
}

/* with the lock */
static void
update_loss_rate (GstRtcbotCongestion * cc, GstClockTime now, gdouble loss,
    gboolean queueing)
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

  if (loss > LOSS_HIGH || queueing) {
    if (GST_CLOCK_TIME_IS_VALID (cc->last_loss_decrease)
        && now >= cc->last_loss_decrease
        && now - cc->last_loss_decrease < MIN_DECREASE_INTERVAL)
      return;
    cc->loss_rate *= loss > LOSS_HIGH ? 1 - 0.5 * loss : DECREASE_FACTOR;
    cc->last_loss_decrease = now;
  } else if (loss < LOSS_LOW) {
    cc->loss_rate *= pow (INCREASE_PER_SECOND, seconds);
  }
  cc->loss_rate = bounded (cc, cc->loss_rate);
}

void
gst_rtcbot_congestion_on_packets (GstRtcbotCongestion * cc, GstClockTime now,
    const GstRtcbotCongestionPacket * packets, guint n_packets)
{
  guint i, lost = 0, counted = 0;

  g_mutex_lock (&cc->lock);
  for (i = 0; i < n_packets; i++) {
    const GstRtcbotCongestionPacket *p = &packets[i];

    if (!GST_CLOCK_TIME_IS_VALID (p->send_time))
      continue;
    counted++;
    if (!GST_CLOCK_TIME_IS_VALID (p->arrival_time)) {
      lost++;
      continue;
    }
    rate_window_add (&cc->acked, p->arrival_time, p->size);

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
  if (counted == 0) {
    g_mutex_unlock (&cc->lock);
    return;
  }
  cc->feedback = "transport-cc";
  control_delay_rate (cc, now);
  cc->loss_counted += counted;
  cc->loss_lost += lost;
  if (cc->loss_counted >= MIN_LOSS_PACKETS) {
    update_loss_rate (cc, now, (gdouble) cc->loss_lost / cc->loss_counted,
        FALSE);
    cc->loss_counted = cc->loss_lost = 0;
  }
  unlock_and_report (cc);
}

void
gst_rtcbot_congestion_on_remb (GstRtcbotCongestion * cc, GstClockTime now,
    guint64 bitrate)
{
  g_mutex_lock (&cc->lock);
  if (g_strcmp0 (cc->feedback, "transport-cc") != 0)
    cc->feedback = "remb";
  cc->remb_rate = bounded (cc, (gdouble) bitrate);
  unlock_and_report (cc);
}

void
gst_rtcbot_congestion_on_receiver_report (GstRtcbotCongestion * cc,
    GstClockTime now, guint8 fraction_lost, GstClockTime rtt)
{
  gboolean queueing = FALSE;

  g_mutex_lock (&cc->lock);
  if (g_str_equal (cc->feedback, "none"))
    cc->feedback = "receiver-reports";
  if (GST_CLOCK_TIME_IS_VALID (rtt) && rtt > 0 && rtt < 60 * GST_SECOND) {
    cc->rtt = rtt;
    if (!GST_CLOCK_TIME_IS_VALID (cc->min_rtt) || rtt < cc->min_rtt)
      cc->min_rtt = rtt;
    queueing = rtt > 2 * cc->min_rtt + RTT_QUEUEING;
  }
  update_loss_rate (cc, now, fraction_lost / 256.0, queueing);
  unlock_and_report (cc);
}

void
gst_rtcbot_congestion_on_sent (GstRtcbotCongestion * cc, GstClockTime now,
    guint bytes)
{
  g_mutex_lock (&cc->lock);
  rate_window_add (&cc->sent, now, bytes);
  g_mutex_unlock (&cc->lock);
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

/* The window's rate, 0 once no byte arrived for two windows. */
static guint
rate_window_rate (const RateWindow * w, GstClockTime now)
{
  if (!GST_CLOCK_TIME_IS_VALID (w->start) || now < w->start
      || now - w->start > 2 * RATE_WINDOW)
    return 0;
  return (guint) MIN (w->rate, G_MAXUINT);
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
      (guint64) cc->rtt : G_GUINT64_CONSTANT (0), NULL);
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
