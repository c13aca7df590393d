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


#ifndef __GST_RTCBOT_COMMON_H__
#define __GST_RTCBOT_COMMON_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* Caps of the three kinds of message (DESIGN §3). */
#define GST_RTCBOT_JSON_CAPS "application/x-json"
#define GST_RTCBOT_TEXT_CAPS "text/x-raw, format = (string) utf8"
#define GST_RTCBOT_BYTES_CAPS "application/octet-stream"
#define GST_RTCBOT_MESSAGE_CAPS \
    GST_RTCBOT_JSON_CAPS "; " GST_RTCBOT_TEXT_CAPS "; " GST_RTCBOT_BYTES_CAPS

GstCaps *gst_rtcbot_json_caps (void);
GstCaps *gst_rtcbot_text_caps (void);
GstCaps *gst_rtcbot_bytes_caps (void);

typedef enum
{
  GST_RTCBOT_MESSAGE_TEXT,
  GST_RTCBOT_MESSAGE_JSON,
} GstRtcbotMessageKind;

GstBuffer *gst_rtcbot_message_new (GstElement * element,
    GstRtcbotMessageKind kind, const gchar * string, GstCaps ** caps);
GstSample *gst_rtcbot_sample_mark_discont (GstSample * sample);

/* The `ready`/`closed` state every rtcbot element carries. The fields are
 * protected by the element's object lock. */
typedef struct
{
  gboolean ready;
  gboolean closed;
} GstRtcbotLifecycle;

void gst_rtcbot_lifecycle_set_ready (GstElement * element,
    GstRtcbotLifecycle * lifecycle, GParamSpec * ready_pspec, gboolean ready);
gboolean gst_rtcbot_lifecycle_close (GstElement * element,
    GstRtcbotLifecycle * lifecycle, GParamSpec * ready_pspec,
    GParamSpec * closed_pspec, const gchar * reason);
void gst_rtcbot_lifecycle_reopen (GstElement * element,
    GstRtcbotLifecycle * lifecycle, GParamSpec * closed_pspec);

G_END_DECLS

#endif /* __GST_RTCBOT_COMMON_H__ */
