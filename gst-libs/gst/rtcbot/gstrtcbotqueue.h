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

#ifndef __GST_RTCBOT_QUEUE_H__
#define __GST_RTCBOT_QUEUE_H__

#include "rtcbot-prelude.h"
#include <gst/gst.h>
#include <gst/base/gstqueuearray.h>

G_BEGIN_DECLS

/**
 * GstRtcbotPolicy:
 * @GST_RTCBOT_POLICY_FIFO: bounded queue; when full the oldest message is
 *   dropped, counted, and the next delivered buffer is marked DISCONT
 * @GST_RTCBOT_POLICY_LATEST: keep only the newest message (RTCBot's
 *   MostRecentSubscription)
 * @GST_RTCBOT_POLICY_BLOCK: lossless; the producer waits while the queue is
 *   full
 *
 * What a subscription queue does when its consumer is slower than its
 * producer. With `max-buffers` = 0 a `fifo` or `block` queue is unbounded.
 *
 * Since: 0.1
 */
typedef enum
{
  GST_RTCBOT_POLICY_FIFO,
  GST_RTCBOT_POLICY_LATEST,
  GST_RTCBOT_POLICY_BLOCK,
} GstRtcbotPolicy;

#define GST_TYPE_RTCBOT_POLICY (gst_rtcbot_policy_get_type ())
GST_RTCBOT_API
GType gst_rtcbot_policy_get_type (void);

#define GST_RTCBOT_DEFAULT_POLICY GST_RTCBOT_POLICY_FIFO
#define GST_RTCBOT_DEFAULT_MAX_BUFFERS 64

/* A subscription queue: one producer side (put), one consumer side (a pad
 * task or the application's get). Items are GstMiniObjects: buffers or
 * samples count against max-buffers, serialized events never do and are
 * never dropped. The queue is reference counted so a waiter keeps it alive
 * while the owner lets go of it. */
typedef struct _GstRtcbotQueue GstRtcbotQueue;

typedef struct
{
  guint64 dropped;              /* messages dropped by this push */
  gboolean warn;                /* a rate-limited overflow warning is due */
  guint64 dropped_total;        /* running total, for the warning text */
} GstRtcbotQueueDrops;

/* The caps and segment in force for a producer's messages, as events. A
 * queue sends them ahead of a message whenever they are not the ones it
 * sent last (compared by identity), so concurrent producers can never
 * label a message with another's caps. */
typedef struct
{
  GstEvent *caps;
  GstEvent *segment;
} GstRtcbotSticky;

GST_RTCBOT_API
GstRtcbotQueue *gst_rtcbot_queue_new (GstRtcbotPolicy policy,
    guint max_buffers);
GST_RTCBOT_API
GstRtcbotQueue *gst_rtcbot_queue_ref (GstRtcbotQueue * queue);
GST_RTCBOT_API
void gst_rtcbot_queue_unref (GstRtcbotQueue * queue);

GST_RTCBOT_API
void gst_rtcbot_queue_configure (GstRtcbotQueue * queue,
    GstRtcbotPolicy policy, guint max_buffers);
GST_RTCBOT_API
GstRtcbotPolicy gst_rtcbot_queue_get_policy (GstRtcbotQueue * queue);
GST_RTCBOT_API
guint gst_rtcbot_queue_get_max_buffers (GstRtcbotQueue * queue);
GST_RTCBOT_API
guint64 gst_rtcbot_queue_get_dropped (GstRtcbotQueue * queue);
GST_RTCBOT_API
guint gst_rtcbot_queue_get_level (GstRtcbotQueue * queue);

GST_RTCBOT_API
GstFlowReturn gst_rtcbot_queue_push (GstRtcbotQueue * queue,
    const GstRtcbotSticky * sticky, GstMiniObject * item,
    GstRtcbotQueueDrops * drops);
GST_RTCBOT_API
gboolean gst_rtcbot_queue_push_event (GstRtcbotQueue * queue,
    GstEvent * event);

GST_RTCBOT_API
gboolean gst_rtcbot_queue_wait_swap (GstRtcbotQueue * queue,
    GstQueueArray ** items, gboolean * discont);
GST_RTCBOT_API
GstMiniObject *gst_rtcbot_queue_pop (GstRtcbotQueue * queue,
    GstClockTime timeout, gboolean * discont);

GST_RTCBOT_API
void gst_rtcbot_queue_set_flushing (GstRtcbotQueue * queue,
    gboolean flushing);
GST_RTCBOT_API
void gst_rtcbot_queue_start (GstRtcbotQueue * queue,
    GstEvent * stream_start);
GST_RTCBOT_API
void gst_rtcbot_queue_get_sticky (GstRtcbotQueue * queue, GstEvent ** caps,
    GstEvent ** segment);
GST_RTCBOT_API
void gst_rtcbot_queue_interrupt (GstRtcbotQueue * queue);
GST_RTCBOT_API
gboolean gst_rtcbot_queue_is_eos (GstRtcbotQueue * queue);
GST_RTCBOT_API
void gst_rtcbot_queue_clear (GstRtcbotQueue * queue);

GST_RTCBOT_API
void gst_rtcbot_queue_array_clear (GstQueueArray * items);

G_END_DECLS

#endif /* __GST_RTCBOT_QUEUE_H__ */
