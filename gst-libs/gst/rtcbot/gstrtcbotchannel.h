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

#include "rtcbot-prelude.h"
#include <gst/gst.h>

G_BEGIN_DECLS

/* The link between an isolated element and its child process: one
 * SOCK_SEQPACKET socket, one datagram per message. Small buffers travel
 * inline; large ones in memfds from a small pool that the receiver maps
 * once per slot and hands back (RELEASE) when the wrapping GstMemory is
 * freed, so a video frame crosses without a copy on the receiving side
 * (while downstream holds most slots, frames are copied out instead, so
 * the sender can always go on). Everything received is checked: a peer
 * that breaks the protocol gets an error, never a crash or a hang here.
 * Compiled into the plugin and into the gst-rtcbot-isolate helper. */

/* What a child says in its HELLO: a helper of another build is refused. */
#define GST_RTCBOT_CHANNEL_VERSION G_GUINT64_CONSTANT (0x5254434249534f02)

typedef enum
{
  GST_RTCBOT_CHANNEL_HELLO = 1,         /* child: the description was built,
                                         * value = GST_RTCBOT_CHANNEL_VERSION */
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

/* Frames a sender may have with the receiver at once: a BUFFER for a slot
 * whose memory the receiver still holds is a protocol error, so RELEASEs
 * waiting to be read never outnumber the slots. */
#define GST_RTCBOT_CHANNEL_POOL_SLOTS 16
/* Buffers up to this size travel inside the datagram. */
#define GST_RTCBOT_CHANNEL_INLINE_MAX (16 * 1024)
/* Caps strings and error texts must fit in one datagram too. */
#define GST_RTCBOT_CHANNEL_DATAGRAM_MAX (64 * 1024)
/* slot of a buffer carried inside its datagram */
#define GST_RTCBOT_CHANNEL_SLOT_INLINE (-1)

/* The header of every datagram; both ends are the same build. Public for
 * the tests' hostile peers only. */
typedef struct
{
  guint32 type;
  gint32 slot;
  guint32 flags;
  guint32 size;                 /* payload or buffer bytes */
  guint64 pts;
  guint64 dts;
  guint64 duration;
  guint64 offset;
  guint64 offset_end;
  guint64 value;                /* PLAY base time, error code, fd capacity */
} GstRtcbotChannelHeader;

typedef enum
{
  GST_RTCBOT_CHANNEL_SENT,
  GST_RTCBOT_CHANNEL_DROPPED,   /* no pool slot came free in time */
  GST_RTCBOT_CHANNEL_CLOSED,    /* the peer is gone or the channel shut */
} GstRtcbotChannelSendResult;

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

GST_RTCBOT_API
GstRtcbotChannel *gst_rtcbot_channel_new (gint fd);
GST_RTCBOT_API
GstRtcbotChannel *gst_rtcbot_channel_ref (GstRtcbotChannel * channel);
GST_RTCBOT_API
void gst_rtcbot_channel_unref (GstRtcbotChannel * channel);
GST_RTCBOT_API
void gst_rtcbot_channel_shutdown (GstRtcbotChannel * channel);

GST_RTCBOT_API
gboolean gst_rtcbot_channel_is_broken (GstRtcbotChannel * channel);

GST_RTCBOT_API
gboolean gst_rtcbot_channel_send_simple (GstRtcbotChannel * channel,
    GstRtcbotChannelType type, guint64 value);
GST_RTCBOT_API
gboolean gst_rtcbot_channel_send_control (GstRtcbotChannel * channel,
    GstRtcbotChannelType type, guint64 value);
GST_RTCBOT_API
gboolean gst_rtcbot_channel_send_caps (GstRtcbotChannel * channel,
    GstCaps * caps);
GST_RTCBOT_API
gboolean gst_rtcbot_channel_send_segment (GstRtcbotChannel * channel,
    const GstSegment * segment);
GST_RTCBOT_API
GstRtcbotChannelSendResult gst_rtcbot_channel_send_buffer (GstRtcbotChannel *
    channel, GstBuffer * buffer, gint64 slot_wait_us);
GST_RTCBOT_API
gboolean gst_rtcbot_channel_send_error (GstRtcbotChannel * channel,
    GstRtcbotChannelType type, GQuark domain, gint code, const gchar * text,
    const gchar * debug);

GST_RTCBOT_API
gboolean gst_rtcbot_channel_receive (GstRtcbotChannel * channel,
    GstRtcbotChannelMessage * message, GError ** error);
GST_RTCBOT_API
void gst_rtcbot_channel_message_clear (GstRtcbotChannelMessage * message);

GST_RTCBOT_API
GstElement *gst_rtcbot_description_build (gboolean source,
    const gchar * description, GstElement ** app, GError ** error);

G_END_DECLS

#endif /* __GST_RTCBOT_CHANNEL_H__ */
