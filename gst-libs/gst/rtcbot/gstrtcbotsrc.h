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


#ifndef __GST_RTCBOT_SRC_H__
#define __GST_RTCBOT_SRC_H__

#include "rtcbot-prelude.h"
#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RTCBOT_SRC (gst_rtcbot_src_get_type ())
GST_RTCBOT_API
G_DECLARE_FINAL_TYPE (GstRtcbotSrc, gst_rtcbot_src, GST, RTCBOT_SRC,
    GstElement);

#define GST_TYPE_RTCBOT_SRC_PAD (gst_rtcbot_src_pad_get_type ())
GST_RTCBOT_API
G_DECLARE_FINAL_TYPE (GstRtcbotSrcPad, gst_rtcbot_src_pad, GST,
    RTCBOT_SRC_PAD, GstPad);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_src_put (GstRtcbotSrc * src, GstBuffer * buffer);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_src_put_string (GstRtcbotSrc * src,
    const gchar * string);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_src_put_json (GstRtcbotSrc * src, const gchar * json);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_src_put_sample (GstRtcbotSrc * src,
    GstSample * sample);

GST_RTCBOT_API
GstSample *gst_rtcbot_src_get (GstRtcbotSrc * src, GstClockTime timeout);

GST_RTCBOT_API
void gst_rtcbot_src_unsubscribe (GstRtcbotSrc * src);

GST_RTCBOT_API
void gst_rtcbot_src_close (GstRtcbotSrc * src);
G_END_DECLS

#endif /* __GST_RTCBOT_SRC_H__ */
