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


#ifndef __GST_RTCBOT_CONGESTION_H__
#define __GST_RTCBOT_CONGESTION_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* One peer's bandwidth estimate, from the feedback that peer sends:
 * transport-wide congestion control reports (per-packet send and arrival
 * times: the delay-based part), REMB (the receiver's own estimate) and
 * RTCP receiver reports (loss fraction and round-trip time: the loss-based
 * part). In the spirit of Google Congestion Control
 * (draft-ietf-rmcat-gcc-02). It knows nothing of GStreamer elements: the
 * owner feeds it and is told of a new target through a callback, called
 * without the controller's lock held. All functions are thread-safe. */
typedef struct _GstRtcbotCongestion GstRtcbotCongestion;

/* One packet of a transport-wide feedback report */
typedef struct
{
  GstClockTime send_time;       /* our clock */
  GstClockTime arrival_time;    /* the peer's clock; NONE when lost */
  guint size;                   /* bytes */
} GstRtcbotCongestionPacket;

typedef enum
{
  GST_RTCBOT_CONGESTION_NORMAL,
  GST_RTCBOT_CONGESTION_OVERUSE,
  GST_RTCBOT_CONGESTION_UNDERUSE,
} GstRtcbotCongestionSignal;

typedef void (*GstRtcbotCongestionTargetFunc) (GstRtcbotCongestion * cc,
    guint bitrate, gpointer user_data);

GstRtcbotCongestion *gst_rtcbot_congestion_new (guint min_bitrate,
    guint max_bitrate, guint start_bitrate);
void gst_rtcbot_congestion_free (GstRtcbotCongestion * cc);
void gst_rtcbot_congestion_set_target_func (GstRtcbotCongestion * cc,
    GstRtcbotCongestionTargetFunc func, gpointer user_data);
void gst_rtcbot_congestion_set_limits (GstRtcbotCongestion * cc,
    guint min_bitrate, guint max_bitrate);

void gst_rtcbot_congestion_on_packets (GstRtcbotCongestion * cc,
    GstClockTime now, const GstRtcbotCongestionPacket * packets,
    guint n_packets);
void gst_rtcbot_congestion_on_remb (GstRtcbotCongestion * cc,
    GstClockTime now, guint64 bitrate);
void gst_rtcbot_congestion_on_receiver_report (GstRtcbotCongestion * cc,
    GstClockTime now, guint8 fraction_lost, gint32 highest_seq,
    GstClockTime rtt);
void gst_rtcbot_congestion_on_nack (GstRtcbotCongestion * cc,
    GstClockTime now, const guint8 * fci, gsize size);
void gst_rtcbot_congestion_on_sent (GstRtcbotCongestion * cc,
    GstClockTime now, guint bytes);
void gst_rtcbot_congestion_on_sent_video (GstRtcbotCongestion * cc,
    GstClockTime now, guint16 seq, guint size);

guint gst_rtcbot_congestion_probe_padding (GstRtcbotCongestion * cc,
    GstClockTime now);

guint gst_rtcbot_congestion_get_target (GstRtcbotCongestion * cc);
gboolean gst_rtcbot_congestion_has_transport_feedback (GstRtcbotCongestion *
    cc);
GstClockTime gst_rtcbot_congestion_get_hold (GstRtcbotCongestion * cc);
GstStructure *gst_rtcbot_congestion_get_stats (GstRtcbotCongestion * cc,
    GstClockTime now);

gboolean gst_rtcbot_congestion_parse_remb (const guint8 * fci, gsize size,
    guint64 * bitrate, guint32 * ssrcs, guint max_ssrcs, guint * n_ssrcs);

G_END_DECLS

#endif /* __GST_RTCBOT_CONGESTION_H__ */
