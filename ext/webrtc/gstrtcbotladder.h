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


#ifndef __GST_RTCBOT_LADDER_H__
#define __GST_RTCBOT_LADDER_H__

#include <glib.h>

G_BEGIN_DECLS

/* The video ladder of rtcbotwebrtcbin: one raw video input encoded at up
 * to GST_RTCBOT_LADDER_MAX_LAYERS bitrates, each peer receiving the one
 * that fits its link. This is the plan only (which peer gets which layer,
 * each layer's bitrate, and the frame rate and size each layer's bitrate
 * allows), with no GStreamer element in it, so that it can be tested on
 * its own. */
#define GST_RTCBOT_LADDER_MAX_LAYERS 3

/* A peer starts a lower layer only when its video bitrate is below this
 * fraction of the first (best-connected) peer of the layer above */
#define GST_RTCBOT_LADDER_FIT 0.8

typedef struct
{
  guint video;                  /* in: the video share of its estimate, bit/s */
  gint current;                 /* in: its layer now, -1 = none yet */
  gboolean may_move;            /* in: its last move is old enough to move up */
  gint layer;                   /* out: the layer it is to receive */
} GstRtcbotLadderPeer;

guint gst_rtcbot_ladder_plan (GstRtcbotLadderPeer * peers, guint n_peers,
    guint bitrates[GST_RTCBOT_LADDER_MAX_LAYERS]);

/* What a layer sends at lower bitrates: the frame rate halved first, then
 * the size halved at the full frame rate (a small picture that moves
 * smoothly is easier to drive by), then both halved, then a quarter of the
 * size. Level 0 is the input as captured. */
typedef struct
{
  gint size_divisor;
  gint rate_divisor;
} GstRtcbotLadderLevel;

#define GST_RTCBOT_LADDER_LEVELS 5

extern const GstRtcbotLadderLevel
    gst_rtcbot_ladder_levels[GST_RTCBOT_LADDER_LEVELS];

/* A layer's level and its last change */
typedef struct
{
  gint level;                   /* a gst_rtcbot_ladder_levels index */
  gint64 changed;               /* µs (any monotonic clock), 0 = never */
  gint step;                    /* the last change: -1 up, +1 down */
} GstRtcbotLadderLevelState;

gint gst_rtcbot_ladder_choose_level (GstRtcbotLadderLevelState * state,
    guint bitrate, guint full_bitrate, gint width, gint height, gdouble fps,
    gint64 now);

G_END_DECLS

#endif /* __GST_RTCBOT_LADDER_H__ */
