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


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstrtcbotqueue.h"

/* Overflow warnings are posted at most this often per queue. */
#define WARN_INTERVAL_US G_USEC_PER_SEC

/* While messages come faster than the consumer drains them, waking it for
 * each one costs the producer a futex wake and both a context switch, and
 * that, not copying, is what limits a fan-out. A consumer that last found
 * a backlog naps instead of sleeping: the producer wakes it only once a
 * batch is waiting (three quarters of max-buffers, or WAKE_BATCH when
 * unbounded), or when it must wait for room itself; the nap bounds the
 * extra latency. A consumer that found a single message sleeps until
 * woken, so a sparse stream is delivered at once. */
#define WAKE_BATCH 48
#define NAP_US 1000

struct _GstRtcbotQueue
{
  GMutex lock;                  /* protects every field below */
  GCond item_cond;              /* signalled when items arrive */
  GCond space_cond;             /* signalled when a full queue drains */

  GstQueueArray *items;         /* GstMiniObject *, oldest first */
  guint level;                  /* items that are not events */
  GstRtcbotPolicy policy;
  guint max_buffers;
  guint64 dropped;
  gint64 last_warn_us;
  gboolean discont;             /* a message was dropped since the last pop */
  gboolean flushing;
  guint flushes;                /* counts flushes, so a waiter that slept
                                 * through a short one still sees it */
  GstEvent *last_caps;          /* the sticky events queued last, to */
  GstEvent *last_segment;       /* queue them again only when replaced */
  gboolean eos;                 /* EOS is queued: nothing may follow it */
  guint epoch;                  /* bumped to interrupt blocked pushes */
  gboolean consumer_asleep;     /* a consumer sleeps and was not woken yet:
                                 * wake only then, once per sleep */
  gboolean consumer_napping;    /* ... in a nap of at most NAP_US */
  gboolean backlog;             /* the last swap took more than one item */
  guint producers_waiting;
};

static void
gst_rtcbot_queue_free (gpointer data)
{
  GstRtcbotQueue *queue = data;

  gst_rtcbot_queue_array_clear (queue->items);
  gst_queue_array_free (queue->items);
  gst_clear_event (&queue->last_caps);
  gst_clear_event (&queue->last_segment);
  g_cond_clear (&queue->space_cond);
  g_cond_clear (&queue->item_cond);
  g_mutex_clear (&queue->lock);
}

GstRtcbotQueue *
gst_rtcbot_queue_new (GstRtcbotPolicy policy, guint max_buffers)
{
  GstRtcbotQueue *queue = g_atomic_rc_box_new0 (GstRtcbotQueue);

  g_mutex_init (&queue->lock);
  g_cond_init (&queue->item_cond);
  g_cond_init (&queue->space_cond);
  queue->items = gst_queue_array_new (16);
  queue->policy = policy;
  queue->max_buffers = max_buffers;
  return queue;
}

GstRtcbotQueue *
gst_rtcbot_queue_ref (GstRtcbotQueue * queue)
{
  return g_atomic_rc_box_acquire (queue);
}

void
gst_rtcbot_queue_unref (GstRtcbotQueue * queue)
{
  g_atomic_rc_box_release_full (queue, gst_rtcbot_queue_free);
}

void
gst_rtcbot_queue_array_clear (GstQueueArray * items)
{
  GstMiniObject *item;

  while ((item = gst_queue_array_pop_head (items)))
    gst_mini_object_unref (item);
}

void
gst_rtcbot_queue_configure (GstRtcbotQueue * queue, GstRtcbotPolicy policy,
    guint max_buffers)
{
  g_mutex_lock (&queue->lock);
  queue->policy = policy;
  queue->max_buffers = max_buffers;
  /* a looser limit may let a blocked producer go on */
  g_cond_broadcast (&queue->space_cond);
  g_mutex_unlock (&queue->lock);
}

#define DEFINE_GETTER(type, field)                             \
type                                                           \
gst_rtcbot_queue_get_##field (GstRtcbotQueue * queue)          \
{                                                              \
  type ret;                                                    \
  g_mutex_lock (&queue->lock);                                 \
  ret = queue->field;                                          \
  g_mutex_unlock (&queue->lock);                               \
  return ret;                                                  \
}

DEFINE_GETTER (GstRtcbotPolicy, policy);
DEFINE_GETTER (guint, max_buffers);
DEFINE_GETTER (guint64, dropped);
DEFINE_GETTER (guint, level);

#undef DEFINE_GETTER

static inline gboolean
is_message (GstMiniObject * item)
{
  return !GST_IS_EVENT (item);
}

/* Drops the oldest message, keeping the events around it in order. */
static void
drop_oldest_message (GstRtcbotQueue * queue)
{
  guint i, len = gst_queue_array_get_length (queue->items);

  for (i = 0; i < len; i++) {
    GstMiniObject *item = gst_queue_array_peek_nth (queue->items, i);

    if (is_message (item)) {
      gst_queue_array_drop_element (queue->items, i);
      gst_mini_object_unref (item);
      queue->level--;
      queue->dropped++;
      queue->discont = TRUE;
      return;
    }
  }
}

/* A broadcast wakes every sleeping consumer; whoever finds nothing goes
 * back to sleep and asks to be woken again. A consumer that is awake
 * already costs nothing. */
static inline void
wake_consumers_now (GstRtcbotQueue * queue)
{
  if (queue->consumer_asleep) {
    queue->consumer_asleep = FALSE;
    g_cond_broadcast (&queue->item_cond);
  }
}

static inline void
wake_consumers (GstRtcbotQueue * queue)
{
  guint batch = queue->max_buffers > 0 ?
      MAX (1, queue->max_buffers * 3 / 4) : WAKE_BATCH;

  if (queue->consumer_napping && queue->level < batch)
    return;
  wake_consumers_now (queue);
}

static void
report_drops (GstRtcbotQueue * queue, guint64 dropped_before,
    GstRtcbotQueueDrops * drops)
{
  gint64 now;

  drops->dropped = queue->dropped - dropped_before;
  drops->dropped_total = queue->dropped;
  drops->warn = FALSE;
  if (drops->dropped == 0 || queue->policy != GST_RTCBOT_POLICY_FIFO)
    return;
  now = g_get_monotonic_time ();
  if (queue->last_warn_us == 0 || now - queue->last_warn_us >= WARN_INTERVAL_US) {
    queue->last_warn_us = now;
    drops->warn = TRUE;
  }
}

/* Waits while a `block` queue is full. Returns GST_FLOW_OK when there is
 * room, GST_FLOW_FLUSHING when the queue flushed, GST_FLOW_CUSTOM_SUCCESS
 * when gst_rtcbot_queue_interrupt() was called. */
static GstFlowReturn
wait_for_room (GstRtcbotQueue * queue)
{
  guint epoch = queue->epoch, flushes = queue->flushes;

  while (queue->policy == GST_RTCBOT_POLICY_BLOCK && queue->max_buffers > 0
      && queue->level >= queue->max_buffers && !queue->flushing
      && queue->flushes == flushes && queue->epoch == epoch) {
    /* a napping consumer must not keep us waiting for its nap */
    wake_consumers_now (queue);
    queue->producers_waiting++;
    g_cond_wait (&queue->space_cond, &queue->lock);
    queue->producers_waiting--;
  }
  if (queue->flushing || queue->flushes != flushes)
    return GST_FLOW_FLUSHING;
  if (queue->epoch != epoch)
    return GST_FLOW_CUSTOM_SUCCESS;
  return GST_FLOW_OK;
}

/* Makes room for one more message according to the policy. */
static void
apply_policy (GstRtcbotQueue * queue)
{
  switch (queue->policy) {
    case GST_RTCBOT_POLICY_FIFO:
      while (queue->max_buffers > 0 && queue->level >= queue->max_buffers)
        drop_oldest_message (queue);
      break;
    case GST_RTCBOT_POLICY_LATEST:
      /* only the newest message matters, so a gap is no discontinuity */
      while (queue->level > 0)
        drop_oldest_message (queue);
      queue->discont = FALSE;
      break;
    case GST_RTCBOT_POLICY_BLOCK:
      break;
  }
}

/**
 * gst_rtcbot_queue_push:
 * @queue: the queue
 * @sticky: (nullable): the caps and segment that describe @item
 * @item: (transfer full): a buffer or sample
 * @drops: (out caller-allocates) (optional): what the policy dropped
 *
 * Applies the queue's policy and appends @item, preceded by the sticky
 * events when they are not the ones queued last, in one step so nothing
 * pushed from another thread slips between them. A `block` queue waits here
 * while full, until a consumer makes room, the queue flushes or
 * gst_rtcbot_queue_interrupt() is called.
 *
 * Returns: GST_FLOW_OK when @item was queued, or dropped by the policy or
 * an interrupt; GST_FLOW_FLUSHING when the queue is flushing and
 * GST_FLOW_EOS after EOS, when nothing was queued.
 */
GstFlowReturn
gst_rtcbot_queue_push (GstRtcbotQueue * queue, const GstRtcbotSticky * sticky,
    GstMiniObject * item, GstRtcbotQueueDrops * drops)
{
  guint64 dropped_before;
  GstFlowReturn ret;

  g_mutex_lock (&queue->lock);
  dropped_before = queue->dropped;
  ret = queue->eos ? GST_FLOW_EOS : wait_for_room (queue);
  if (ret != GST_FLOW_OK)
    goto not_queued;

  if (sticky && (sticky->caps != queue->last_caps
          || sticky->segment != queue->last_segment)) {
    gst_event_replace (&queue->last_caps, sticky->caps);
    gst_event_replace (&queue->last_segment, sticky->segment);
    gst_queue_array_push_tail (queue->items, gst_event_ref (sticky->caps));
    gst_queue_array_push_tail (queue->items, gst_event_ref (sticky->segment));
  }
  apply_policy (queue);
  gst_queue_array_push_tail (queue->items, item);
  queue->level++;
  wake_consumers (queue);
  if (drops)
    report_drops (queue, dropped_before, drops);
  g_mutex_unlock (&queue->lock);
  return GST_FLOW_OK;

not_queued:
  {
    g_mutex_unlock (&queue->lock);
    gst_mini_object_unref (item);
    if (drops)
      memset (drops, 0, sizeof (*drops));
    return ret == GST_FLOW_CUSTOM_SUCCESS ? GST_FLOW_OK : ret;
  }
}

/* Appends a ref of a serialized event, e.g. EOS. Events never count
 * against max-buffers and are never dropped. Returns FALSE when
 * flushing or after EOS. */
gboolean
gst_rtcbot_queue_push_event (GstRtcbotQueue * queue, GstEvent * event)
{
  gboolean queued;

  g_mutex_lock (&queue->lock);
  queued = !queue->flushing && !queue->eos;
  if (queued) {
    if (GST_EVENT_TYPE (event) == GST_EVENT_EOS)
      queue->eos = TRUE;
    gst_queue_array_push_tail (queue->items, gst_event_ref (event));
    wake_consumers (queue);
  }
  g_mutex_unlock (&queue->lock);
  return queued;
}

/**
 * gst_rtcbot_queue_wait_swap:
 * @queue: the queue
 * @items: (inout): an empty array, replaced by every queued item
 * @discont: (out): whether messages were dropped before these items
 *
 * Waits for items and takes the whole backlog in one step, so a consumer
 * that falls behind catches up with one lock and one wake-up.
 *
 * Returns: FALSE when the queue is flushing.
 */
gboolean
gst_rtcbot_queue_wait_swap (GstRtcbotQueue * queue, GstQueueArray ** items,
    gboolean * discont)
{
  GstQueueArray *mine = *items;

  g_mutex_lock (&queue->lock);
  while (gst_queue_array_is_empty (queue->items) && !queue->flushing) {
    queue->consumer_asleep = TRUE;
    if (queue->backlog) {
      queue->consumer_napping = TRUE;
      if (!g_cond_wait_until (&queue->item_cond, &queue->lock,
              g_get_monotonic_time () + NAP_US))
        queue->backlog = FALSE;
      queue->consumer_napping = FALSE;
    } else {
      g_cond_wait (&queue->item_cond, &queue->lock);
    }
  }
  if (queue->flushing) {
    g_mutex_unlock (&queue->lock);
    return FALSE;
  }
  queue->backlog = gst_queue_array_get_length (queue->items) > 1;
  *items = queue->items;
  queue->items = mine;
  *discont = queue->discont;
  queue->discont = FALSE;
  queue->level = 0;
  if (queue->producers_waiting)
    g_cond_broadcast (&queue->space_cond);
  g_mutex_unlock (&queue->lock);
  return TRUE;
}

/**
 * gst_rtcbot_queue_pop:
 * @queue: the queue
 * @timeout: how long to wait, GST_CLOCK_TIME_NONE for ever
 * @discont: (out) (optional): whether messages were dropped before this one
 *
 * Takes the oldest message. Events other than EOS are skipped; an EOS stays
 * queued so every later pop returns at once.
 *
 * Returns: (transfer full) (nullable): the message, or NULL on timeout,
 * flushing or EOS.
 */
GstMiniObject *
gst_rtcbot_queue_pop (GstRtcbotQueue * queue, GstClockTime timeout,
    gboolean * discont)
{
  GstMiniObject *item;
  gint64 deadline = 0;
  gboolean timed_out = FALSE, flushed;
  guint flushes;

  if (GST_CLOCK_TIME_IS_VALID (timeout))
    deadline = g_get_monotonic_time () + timeout / GST_USECOND;

  g_mutex_lock (&queue->lock);
  flushes = queue->flushes;
  for (;;) {
    flushed = queue->flushing || queue->flushes != flushes;
    item = flushed ? NULL : gst_queue_array_peek_head (queue->items);
    if (item && GST_IS_EVENT (item)) {
      if (GST_EVENT_TYPE (item) == GST_EVENT_EOS) {
        item = NULL;
        break;
      }
      gst_mini_object_unref (gst_queue_array_pop_head (queue->items));
      continue;
    }
    if (item) {
      gst_queue_array_pop_head (queue->items);
      queue->level--;
      if (discont)
        *discont = queue->discont;
      queue->discont = FALSE;
      if (queue->producers_waiting)
        g_cond_broadcast (&queue->space_cond);
      break;
    }
    if (flushed || timed_out)
      break;
    queue->consumer_asleep = TRUE;
    if (deadline == 0)
      g_cond_wait (&queue->item_cond, &queue->lock);
    else
      timed_out = !g_cond_wait_until (&queue->item_cond, &queue->lock,
          deadline);
  }
  g_mutex_unlock (&queue->lock);
  return item;
}

/* Flushing wakes every waiter; while flushing, pushes are discarded and
 * pops return NULL. */
void
gst_rtcbot_queue_set_flushing (GstRtcbotQueue * queue, gboolean flushing)
{
  g_mutex_lock (&queue->lock);
  queue->flushing = flushing;
  if (flushing)
    queue->flushes++;
  queue->consumer_asleep = FALSE;
  g_cond_broadcast (&queue->item_cond);
  g_cond_broadcast (&queue->space_cond);
  g_mutex_unlock (&queue->lock);
}

/* The caps and segment events queued last (refs, or NULL), for a consumer
 * that must send them again. */
void
gst_rtcbot_queue_get_sticky (GstRtcbotQueue * queue, GstEvent ** caps,
    GstEvent ** segment)
{
  g_mutex_lock (&queue->lock);
  *caps = queue->last_caps ? gst_event_ref (queue->last_caps) : NULL;
  *segment = queue->last_segment ? gst_event_ref (queue->last_segment) : NULL;
  g_mutex_unlock (&queue->lock);
}

/* Leaves flushing with @stream_start (transfer none) queued first, in one
 * step so no concurrent push gets ahead of it; the next push brings the
 * caps and segment. */
void
gst_rtcbot_queue_start (GstRtcbotQueue * queue, GstEvent * stream_start)
{
  g_mutex_lock (&queue->lock);
  queue->flushing = FALSE;
  queue->eos = FALSE;
  gst_clear_event (&queue->last_caps);
  gst_clear_event (&queue->last_segment);
  gst_queue_array_push_tail (queue->items, gst_event_ref (stream_start));
  g_mutex_unlock (&queue->lock);
}

/* Whether the queue holds nothing but its EOS, which a consumer that
 * pops got NULL for. */
gboolean
gst_rtcbot_queue_is_eos (GstRtcbotQueue * queue)
{
  GstMiniObject *head;
  gboolean eos;

  g_mutex_lock (&queue->lock);
  head = gst_queue_array_peek_head (queue->items);
  eos = !queue->flushing && head && GST_IS_EVENT (head)
      && GST_EVENT_TYPE (head) == GST_EVENT_EOS;
  g_mutex_unlock (&queue->lock);
  return eos;
}

/* Makes pushes that wait for room give up and drop their item, without
 * flushing what is queued. */
void
gst_rtcbot_queue_interrupt (GstRtcbotQueue * queue)
{
  g_mutex_lock (&queue->lock);
  queue->epoch++;
  g_cond_broadcast (&queue->space_cond);
  g_mutex_unlock (&queue->lock);
}

void
gst_rtcbot_queue_clear (GstRtcbotQueue * queue)
{
  g_mutex_lock (&queue->lock);
  gst_rtcbot_queue_array_clear (queue->items);
  queue->level = 0;
  queue->discont = FALSE;
  queue->eos = FALSE;
  g_cond_broadcast (&queue->space_cond);
  g_mutex_unlock (&queue->lock);
}

GType
gst_rtcbot_policy_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    {GST_RTCBOT_POLICY_FIFO,
        "Bounded queue, drop the oldest when full", "fifo"},
    {GST_RTCBOT_POLICY_LATEST, "Keep only the newest message", "latest"},
    {GST_RTCBOT_POLICY_BLOCK,
        "Lossless: the producer waits while the queue is full", "block"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type)) {
    GType tmp = g_enum_register_static ("GstRtcbotPolicy", values);
    g_once_init_leave (&type, tmp);
  }
  return type;
}
