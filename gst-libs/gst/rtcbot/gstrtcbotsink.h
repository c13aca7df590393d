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


#ifndef __GST_RTCBOT_SINK_H__
#define __GST_RTCBOT_SINK_H__

#include "rtcbot-prelude.h"
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RTCBOT_SINK (gst_rtcbot_sink_get_type ())
GST_RTCBOT_API
G_DECLARE_FINAL_TYPE (GstRtcbotSink, gst_rtcbot_sink, GST, RTCBOT_SINK,
    GstElement);

#define GST_TYPE_RTCBOT_SINK_PAD (gst_rtcbot_sink_pad_get_type ())
GST_RTCBOT_API
G_DECLARE_FINAL_TYPE (GstRtcbotSinkPad, gst_rtcbot_sink_pad, GST,
    RTCBOT_SINK_PAD, GstPad);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_sink_put (GstRtcbotSink * sink, GstBuffer * buffer);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_sink_put_string (GstRtcbotSink * sink,
    const gchar * string);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_sink_put_json (GstRtcbotSink * sink,
    const gchar * json);

GST_RTCBOT_API
GstSample *gst_rtcbot_sink_get (GstRtcbotSink * sink, GstClockTime timeout);

GST_RTCBOT_API
void gst_rtcbot_sink_close (GstRtcbotSink * sink);
G_END_DECLS

#endif /* __GST_RTCBOT_SINK_H__ */
