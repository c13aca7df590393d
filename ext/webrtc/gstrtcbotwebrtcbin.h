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


#ifndef __GST_RTCBOT_WEBRTC_BIN_H__
#define __GST_RTCBOT_WEBRTC_BIN_H__

#include <gst/gst.h>
#include <gst/rtcbot/gstrtcbotbin.h>

G_BEGIN_DECLS

#define GST_TYPE_RTCBOT_WEBRTC_BIN (gst_rtcbot_webrtc_bin_get_type ())
G_DECLARE_FINAL_TYPE (GstRtcbotWebrtcBin, gst_rtcbot_webrtc_bin, GST,
    RTCBOT_WEBRTC_BIN, GstRtcbotBin);

GST_ELEMENT_REGISTER_DECLARE (rtcbotwebrtcbin);

/**
 * GstRtcbotCongestionControl:
 * @GST_RTCBOT_CONGESTION_CONTROL_NONE: the video encoders keep the bitrate
 *   their `video-encoder` description gives them
 * @GST_RTCBOT_CONGESTION_CONTROL_ADAPTIVE: each peer's bandwidth is
 *   estimated from the feedback it sends (transport-wide congestion
 *   control, REMB, RTCP receiver reports) and the encoders follow
 *
 * Since: 0.1
 */
typedef enum
{
  GST_RTCBOT_CONGESTION_CONTROL_NONE,
  GST_RTCBOT_CONGESTION_CONTROL_ADAPTIVE,
} GstRtcbotCongestionControl;

#define GST_TYPE_RTCBOT_CONGESTION_CONTROL \
  (gst_rtcbot_congestion_control_get_type ())
GType gst_rtcbot_congestion_control_get_type (void);

G_END_DECLS

#endif /* __GST_RTCBOT_WEBRTC_BIN_H__ */
