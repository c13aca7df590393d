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

#include "rtcbot-prelude.h"
#include <gst/gst.h>

G_BEGIN_DECLS

/* Caps of the three kinds of message: JSON, UTF-8 text and bytes. */
#define GST_RTCBOT_JSON_CAPS "application/x-json"
#define GST_RTCBOT_TEXT_CAPS "text/x-raw, format = (string) utf8"
#define GST_RTCBOT_BYTES_CAPS "application/octet-stream"
#define GST_RTCBOT_MESSAGE_CAPS \
    GST_RTCBOT_JSON_CAPS "; " GST_RTCBOT_TEXT_CAPS "; " GST_RTCBOT_BYTES_CAPS

GST_RTCBOT_API
GstCaps *gst_rtcbot_json_caps (void);
GST_RTCBOT_API
GstCaps *gst_rtcbot_text_caps (void);
GST_RTCBOT_API
GstCaps *gst_rtcbot_bytes_caps (void);

typedef enum
{
  GST_RTCBOT_MESSAGE_TEXT,
  GST_RTCBOT_MESSAGE_JSON,
} GstRtcbotMessageKind;

GST_RTCBOT_API
GstBuffer *gst_rtcbot_message_new (GstElement * element,
    GstRtcbotMessageKind kind, const gchar * string, GstCaps ** caps);
GST_RTCBOT_API
GstSample *gst_rtcbot_sample_mark_discont (GstSample * sample);

/* The `ready`/`closed` state every rtcbot element carries. The fields are
 * protected by the element's object lock. */
typedef struct
{
  gboolean ready;
  gboolean closed;
} GstRtcbotLifecycle;

GST_RTCBOT_API
void gst_rtcbot_lifecycle_set_ready (GstElement * element,
    GstRtcbotLifecycle * lifecycle, GParamSpec * ready_pspec, gboolean ready);
GST_RTCBOT_API
gboolean gst_rtcbot_lifecycle_close (GstElement * element,
    GstRtcbotLifecycle * lifecycle, GParamSpec * ready_pspec,
    GParamSpec * closed_pspec, const gchar * reason);
GST_RTCBOT_API
void gst_rtcbot_lifecycle_reopen (GstElement * element,
    GstRtcbotLifecycle * lifecycle, GParamSpec * closed_pspec);

GST_RTCBOT_API
void gst_rtcbot_element_message_from_error (GstElement * element,
    GstMessageType type, GQuark domain, gint code, const GError * cause,
    gchar * text, const gchar * file, const gchar * function, gint line);

/* GST_ELEMENT_ERROR for a failure caused by @cause: @text (a
 * g_strdup_printf () argument list in parentheses) is the message, and the
 * cause's own domain, code and message stay readable in the details */
#define GST_RTCBOT_ELEMENT_ERROR_FROM(el, domain, code, cause, text)      \
  gst_rtcbot_element_message_from_error (GST_ELEMENT (el),               \
      GST_MESSAGE_ERROR, GST_##domain##_ERROR,                            \
      GST_##domain##_ERROR_##code, (cause), g_strdup_printf text,         \
      __FILE__, GST_FUNCTION, __LINE__)

#define GST_RTCBOT_ELEMENT_WARNING_FROM(el, domain, code, cause, text)    \
  gst_rtcbot_element_message_from_error (GST_ELEMENT (el),               \
      GST_MESSAGE_WARNING, GST_##domain##_ERROR,                          \
      GST_##domain##_ERROR_##code, (cause), g_strdup_printf text,         \
      __FILE__, GST_FUNCTION, __LINE__)

G_END_DECLS

#endif /* __GST_RTCBOT_COMMON_H__ */
