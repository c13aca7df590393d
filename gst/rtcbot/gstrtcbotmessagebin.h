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


#ifndef __GST_RTCBOT_MESSAGE_BIN_H__
#define __GST_RTCBOT_MESSAGE_BIN_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* The message side every rtcbot bin is built around: an inner rtcbotsrc
 * named "incoming" (what the bin receives, fanned out to `src_%u` and
 * `get`) and an inner rtcbotsink named "outgoing" (what the bin sends,
 * from `sink_%u` or `put*`). Bins embed this struct and forward their
 * pads and actions to it. */
typedef struct
{
  GstElement *src;
  GstElement *sink;
  guint src_put_sample_id;
  guint src_get_id;
  guint sink_put_id;
  guint sink_put_string_id;
  guint sink_put_json_id;
  guint sink_get_id;
} GstRtcbotMessageBin;

gboolean gst_rtcbot_message_bin_init (GstRtcbotMessageBin * mb, GstBin * bin,
    GCallback on_new_data, gpointer user_data);
void gst_rtcbot_message_bin_dispose (GstRtcbotMessageBin * mb,
    gpointer user_data);
GstPad *gst_rtcbot_message_bin_request_pad (GstRtcbotMessageBin * mb,
    GstElement * bin, GstPadTemplate * templ, const gchar * name);
void gst_rtcbot_message_bin_release_pad (GstElement * bin, GstPad * pad);
gboolean gst_rtcbot_message_bin_send_eos (GstRtcbotMessageBin * mb,
    GstElement * bin, GstEvent * event);
gboolean gst_rtcbot_message_bin_is_inner_lifecycle (GstRtcbotMessageBin * mb,
    GstMessage * message);
GstFlowReturn gst_rtcbot_message_bin_put (GstRtcbotMessageBin * mb,
    GstBuffer * buffer);
GstFlowReturn gst_rtcbot_message_bin_put_string (GstRtcbotMessageBin * mb,
    const gchar * string);
GstFlowReturn gst_rtcbot_message_bin_put_json (GstRtcbotMessageBin * mb,
    const gchar * json);
GstFlowReturn gst_rtcbot_message_bin_deliver (GstRtcbotMessageBin * mb,
    GstSample * sample);
GstSample *gst_rtcbot_message_bin_get (GstRtcbotMessageBin * mb,
    guint64 timeout);
GstSample *gst_rtcbot_message_bin_take_outgoing (GstRtcbotMessageBin * mb);

G_END_DECLS

#endif /* __GST_RTCBOT_MESSAGE_BIN_H__ */
