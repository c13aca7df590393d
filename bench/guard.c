/* gst-rtcbot
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
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* guard: a regression guard for rtcbotsrc's batching, run by the test
 * suite. Counted, not timed, so it holds on any machine under any load.
 *
 * rtcbotsrc is fast because a subscriber that fell behind gets its whole
 * backlog in one gst_pad_push_list() and its thread is woken only when it
 * sleeps (docs/benchmarks.md). This program makes a backlog on purpose:
 * each of 4 subscribers' fakesink holds its first buffer in a blocking
 * probe while the application puts BACKLOG more messages (policy=block,
 * unbounded queue), then the probes go and the pushes that carry the
 * backlog are counted per subscriber. Batched, that is a handful; one push
 * per message (batching lost) is about BACKLOG of them and fails. Every
 * subscriber must still get every message, in order.
 *
 *   GST_PLUGIN_PATH=build/gst/rtcbot build/bench/guard
 */

#include <string.h>
#include <gst/gst.h>

#define SUBSCRIBERS 4
#define BACKLOG 1000
/* pushes allowed for the backlog: one list would be 1; the margin lets an
 * implementation cap its lists (here: at 100 messages or more each) */
#define MAX_BACKLOG_PUSHES (BACKLOG / 100)

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean held;                /* the blocking probe is waiting */
  gboolean release;
  guint64 pushes;               /* buffers and buffer lists arriving */
  guint64 buffers;
  guint64 next_offset;
  gboolean in_order;
} Subscriber;

static GstPadProbeReturn
hold_first (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Subscriber *sub = user_data;

  g_mutex_lock (&sub->lock);
  sub->held = TRUE;
  g_cond_broadcast (&sub->cond);
  while (!sub->release)
    g_cond_wait (&sub->cond, &sub->lock);
  g_mutex_unlock (&sub->lock);
  return GST_PAD_PROBE_REMOVE;
}

static gboolean
count_buffer (GstBuffer ** buffer, guint idx, gpointer user_data)
{
  Subscriber *sub = user_data;

  if (GST_BUFFER_OFFSET (*buffer) != sub->next_offset)
    sub->in_order = FALSE;
  sub->next_offset = GST_BUFFER_OFFSET (*buffer) + 1;
  sub->buffers++;
  return TRUE;
}

static GstPadProbeReturn
count_push (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Subscriber *sub = user_data;

  g_mutex_lock (&sub->lock);
  sub->pushes++;
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    gst_buffer_list_foreach (GST_PAD_PROBE_INFO_BUFFER_LIST (info),
        count_buffer, sub);
  else {
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

    count_buffer (&buffer, 0, sub);
  }
  g_cond_broadcast (&sub->cond);
  g_mutex_unlock (&sub->lock);
  return GST_PAD_PROBE_OK;
}

static void
put (GstElement * src, guint64 offset)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, 64, NULL);
  GstFlowReturn ret;

  gst_buffer_memset (buf, 0, 0xab, 64);
  GST_BUFFER_OFFSET (buf) = offset;
  g_signal_emit_by_name (src, "put", buf, &ret);
  gst_buffer_unref (buf);
  if (ret != GST_FLOW_OK)
    g_error ("put #%" G_GUINT64_FORMAT " returned %s", offset,
        gst_flow_get_name (ret));
}

static void
wait_for (Subscriber * sub, gboolean (*done) (Subscriber *))
{
  gint64 end = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&sub->lock);
  while (!done (sub))
    if (!g_cond_wait_until (&sub->cond, &sub->lock, end))
      g_error ("no progress within 60 s (%" G_GUINT64_FORMAT " of %d "
          "messages)", sub->buffers, BACKLOG + 1);
  g_mutex_unlock (&sub->lock);
}

static gboolean
is_held (Subscriber * sub)
{
  return sub->held;
}

static gboolean
has_all (Subscriber * sub)
{
  return sub->buffers == BACKLOG + 1;
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *src;
  Subscriber subs[SUBSCRIBERS];
  gboolean ok = TRUE;
  guint i;

  gst_init (&argc, &argv);
  pipeline = gst_pipeline_new (NULL);
  src = gst_element_factory_make ("rtcbotsrc", NULL);
  if (src == NULL) {
    g_printerr ("no rtcbotsrc: set GST_PLUGIN_PATH to the build tree\n");
    return 2;
  }
  g_object_set (src, "is-live", TRUE, NULL);
  gst_bin_add (GST_BIN (pipeline), src);

  for (i = 0; i < SUBSCRIBERS; i++) {
    GstElement *sink = gst_element_factory_make ("fakesink", NULL);
    GstPad *srcpad = gst_element_request_pad_simple (src, "src_%u");
    GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");

    memset (&subs[i], 0, sizeof (Subscriber));
    g_mutex_init (&subs[i].lock);
    g_cond_init (&subs[i].cond);
    subs[i].in_order = TRUE;
    g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
    g_object_set (srcpad, "max-buffers", 0, NULL);
    gst_util_set_object_arg (G_OBJECT (srcpad), "policy", "block");
    gst_bin_add (GST_BIN (pipeline), sink);
    gst_pad_link (srcpad, sinkpad);
    /* counting first, holding second: the held buffer is counted once */
    gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER |
        GST_PAD_PROBE_TYPE_BUFFER_LIST, count_push, &subs[i], NULL);
    gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BLOCK |
        GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
        hold_first, &subs[i], NULL);
    gst_object_unref (sinkpad);
    gst_object_unref (srcpad);
  }
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  /* the first message gets stuck in every subscriber's probe ... */
  put (src, 0);
  for (i = 0; i < SUBSCRIBERS; i++)
    wait_for (&subs[i], is_held);
  /* ... so these pile up behind it */
  for (i = 1; i <= BACKLOG; i++)
    put (src, i);
  for (i = 0; i < SUBSCRIBERS; i++) {
    g_mutex_lock (&subs[i].lock);
    subs[i].release = TRUE;
    g_cond_broadcast (&subs[i].cond);
    g_mutex_unlock (&subs[i].lock);
  }
  for (i = 0; i < SUBSCRIBERS; i++)
    wait_for (&subs[i], has_all);

  g_print ("backlog of %d messages per subscriber, pushes that carried it "
      "(ceiling %d):", BACKLOG, MAX_BACKLOG_PUSHES);
  for (i = 0; i < SUBSCRIBERS; i++) {
    /* the first push is the held message */
    guint64 backlog_pushes = subs[i].pushes - 1;

    g_print (" %" G_GUINT64_FORMAT, backlog_pushes);
    if (backlog_pushes > MAX_BACKLOG_PUSHES || !subs[i].in_order)
      ok = FALSE;
  }
  g_print ("\n");
  if (!ok)
    g_printerr ("FAIL: the backlog was not batched (or arrived out of "
        "order): rtcbotsrc must hand a waiting backlog downstream as buffer "
        "lists\n");

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  for (i = 0; i < SUBSCRIBERS; i++) {
    g_mutex_clear (&subs[i].lock);
    g_cond_clear (&subs[i].cond);
  }
  return ok ? 0 : 1;
}
