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

#ifndef __GST_RTCBOT_CHANNEL_H__
#define __GST_RTCBOT_CHANNEL_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* The link between an isolated element and its child process: one
 * SOCK_SEQPACKET socket, one datagram per message. Small buffers travel
 * inline; large ones in memfds from a small pool that the receiver maps
 * once per slot and hands back (RELEASE) when the wrapping GstMemory is
 * freed, so a video frame crosses without a copy on the receiving side.
 * Compiled into the plugin and into the gst-rtcbot-isolate helper. */
typedef enum
{
  GST_RTCBOT_CHANNEL_HELLO = 1,         /* child: the description was built */
  GST_RTCBOT_CHANNEL_PLAY,              /* parent: value = base time (monotonic) */
  GST_RTCBOT_CHANNEL_READY,             /* child: its pipeline is PLAYING */
  GST_RTCBOT_CHANNEL_CAPS,
  GST_RTCBOT_CHANNEL_SEGMENT,
  GST_RTCBOT_CHANNEL_BUFFER,
  GST_RTCBOT_CHANNEL_EOS,
  GST_RTCBOT_CHANNEL_ERROR,
  GST_RTCBOT_CHANNEL_WARNING,
  GST_RTCBOT_CHANNEL_PARSE_ERROR,       /* child: the description is invalid */
  GST_RTCBOT_CHANNEL_RELEASE,           /* receiver: a pool slot is free again */
} GstRtcbotChannelType;

typedef struct _GstRtcbotChannel GstRtcbotChannel;

typedef struct
{
  GstRtcbotChannelType type;
  GstBuffer *buffer;            /* BUFFER */
  GstCaps *caps;                /* CAPS */
  GstSegment segment;           /* SEGMENT */
  GQuark domain;                /* ERROR, WARNING, PARSE_ERROR */
  gint code;
  gchar *text;
  gchar *debug;
  guint64 value;                /* PLAY */
} GstRtcbotChannelMessage;

GstRtcbotChannel *gst_rtcbot_channel_new (gint fd);
GstRtcbotChannel *gst_rtcbot_channel_ref (GstRtcbotChannel * channel);
void gst_rtcbot_channel_unref (GstRtcbotChannel * channel);
void gst_rtcbot_channel_shutdown (GstRtcbotChannel * channel);

gboolean gst_rtcbot_channel_send_simple (GstRtcbotChannel * channel,
    GstRtcbotChannelType type, guint64 value);
gboolean gst_rtcbot_channel_send_caps (GstRtcbotChannel * channel,
    GstCaps * caps);
gboolean gst_rtcbot_channel_send_segment (GstRtcbotChannel * channel,
    const GstSegment * segment);
gboolean gst_rtcbot_channel_send_buffer (GstRtcbotChannel * channel,
    GstBuffer * buffer);
gboolean gst_rtcbot_channel_send_error (GstRtcbotChannel * channel,
    GstRtcbotChannelType type, GQuark domain, gint code, const gchar * text,
    const gchar * debug);

gboolean gst_rtcbot_channel_receive (GstRtcbotChannel * channel,
    GstRtcbotChannelMessage * message, GError ** error);
void gst_rtcbot_channel_message_clear (GstRtcbotChannelMessage * message);

GstElement *gst_rtcbot_description_build (gboolean source,
    const gchar * description, GstElement ** app, GError ** error);

G_END_DECLS

#endif /* __GST_RTCBOT_CHANNEL_H__ */
