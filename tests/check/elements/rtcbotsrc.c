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
#include <gst/check/gstcheck.h>
#include "rtcbotcheck.h"
#include <gst/check/gstharness.h>

/* Helpers */

static GstBuffer *
make_buffer (guint64 offset)
{
  GstBuffer *buffer = gst_buffer_new_memdup (&offset, sizeof (offset));

  GST_BUFFER_OFFSET (buffer) = offset;
  return buffer;
}

static GstFlowReturn
put (GstElement * src, GstBuffer * buffer)
{
  GstFlowReturn ret = GST_FLOW_CUSTOM_ERROR;

  g_signal_emit_by_name (src, "put", buffer, &ret);
  return ret;
}

static GstFlowReturn
put_offset (GstElement * src, guint64 offset)
{
  GstBuffer *buffer = make_buffer (offset);
  GstFlowReturn ret = put (src, buffer);

  gst_buffer_unref (buffer);
  return ret;
}


static GstSample *
get (GstElement * src, GstClockTime timeout)
{
  GstSample *sample = NULL;

  g_signal_emit_by_name (src, "get", (guint64) timeout, &sample);
  return sample;
}

/* A subscriber: a harness on a newly requested src pad. */
static GstHarness *
subscribe (GstElement * src)
{
  GstHarness *h = gst_harness_new_with_element (src, NULL, "src_%u");

  gst_harness_play (h);
  return h;
}

static void
set_policy (GstHarness * h, const gchar * policy, guint max_buffers)
{
  GstPad *pad = GST_PAD_PEER (h->sinkpad);

  gst_util_set_object_arg (G_OBJECT (pad), "policy", policy);
  g_object_set (pad, "max-buffers", max_buffers, NULL);
}

static guint64
pad_dropped (GstHarness * h)
{
  guint64 dropped;

  g_object_get (GST_PAD_PEER (h->sinkpad), "dropped", &dropped, NULL);
  return dropped;
}

static guint
pad_level (GstHarness * h)
{
  guint level;

  g_object_get (GST_PAD_PEER (h->sinkpad), "level", &level, NULL);
  return level;
}

/* Stalls a subscriber: its streaming thread blocks in a probe on the
 * harness' sink pad until unstall(). */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean blocked;
  gulong probe;
  GstPad *pad;
} Stall;

static GstPadProbeReturn
stall_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Stall *stall = user_data;

  g_mutex_lock (&stall->lock);
  stall->blocked = TRUE;
  g_cond_broadcast (&stall->cond);
  g_mutex_unlock (&stall->lock);
  return GST_PAD_PROBE_OK;
}

static void
stall_begin (Stall * stall, GstHarness * h)
{
  g_mutex_init (&stall->lock);
  g_cond_init (&stall->cond);
  stall->blocked = FALSE;
  stall->pad = h->sinkpad;
  stall->probe = gst_pad_add_probe (h->sinkpad, GST_PAD_PROBE_TYPE_BLOCK |
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
      stall_probe, stall, NULL);
}

static void
stall_wait_blocked (Stall * stall)
{
  g_mutex_lock (&stall->lock);
  while (!stall->blocked)
    g_cond_wait (&stall->cond, &stall->lock);
  g_mutex_unlock (&stall->lock);
}

static void
stall_end (Stall * stall)
{
  gst_pad_remove_probe (stall->pad, stall->probe);
  g_cond_clear (&stall->cond);
  g_mutex_clear (&stall->lock);
}

static gint
count_messages (GstBus * bus, GstMessageType type, const gchar * name)
{
  GstMessage *msg;
  gint n = 0;

  while ((msg = gst_bus_pop (bus))) {
    if (GST_MESSAGE_TYPE (msg) & type) {
      if (name == NULL || gst_message_has_name (msg, name))
        n++;
    }
    gst_message_unref (msg);
  }
  return n;
}

static GstBus *
attach_bus (GstElement * element)
{
  GstBus *bus = gst_bus_new ();

  gst_element_set_bus (element, bus);
  return bus;
}

static GstElement *
make_src (void)
{
  GstElement *src = gst_element_factory_make ("rtcbotsrc", NULL);

  fail_unless (src != NULL, "rtcbotsrc not found: is GST_PLUGIN_PATH set?");
  return src;
}

/* Tests */

GST_START_TEST (test_fanout_identical_zero_copy)
{
  GstElement *src = make_src ();
  GstHarness *h[3];
  GstBuffer *sent[10];
  guint i, j;

  for (i = 0; i < 3; i++)
    h[i] = subscribe (src);

  for (j = 0; j < 10; j++) {
    sent[j] = make_buffer (j);
    fail_unless_equals_int (put (src, sent[j]), GST_FLOW_OK);
  }

  for (i = 0; i < 3; i++) {
    for (j = 0; j < 10; j++) {
      GstBuffer *got = gst_harness_pull (h[i]);

      /* the very same buffer, hence the very same memory: no copy */
      fail_unless (got == sent[j]);
      fail_unless (gst_buffer_peek_memory (got, 0) ==
          gst_buffer_peek_memory (sent[j], 0));
      fail_unless_equals_uint64 (GST_BUFFER_OFFSET (got), j);
      gst_buffer_unref (got);
    }
    fail_unless (gst_harness_try_pull (h[i]) == NULL);
  }

  for (j = 0; j < 10; j++)
    gst_buffer_unref (sent[j]);
  for (i = 0; i < 3; i++)
    gst_harness_teardown (h[i]);
  gst_object_unref (src);
}

GST_END_TEST;

static void
assert_next_event (GstHarness * h, GstEventType type)
{
  GstEvent *event = gst_harness_pull_event (h);

  fail_unless (event != NULL);
  fail_unless_equals_string (GST_EVENT_TYPE_NAME (event),
      gst_event_type_get_name (type));
  gst_event_unref (event);
}

static void
assert_next_caps (GstHarness * h, const gchar * expected)
{
  GstEvent *event = gst_harness_pull_event (h);
  GstCaps *caps, *want = gst_caps_from_string (expected);

  fail_unless (event != NULL);
  fail_unless_equals_int (GST_EVENT_TYPE (event), GST_EVENT_CAPS);
  gst_event_parse_caps (event, &caps);
  fail_unless (gst_caps_is_equal (caps, want), "got %" GST_PTR_FORMAT, caps);
  gst_caps_unref (want);
  gst_event_unref (event);
}

static void
assert_next_bytes (GstHarness * h, const gchar * expected)
{
  GstBuffer *buffer = gst_harness_pull (h);

  fail_unless (buffer != NULL);
  fail_unless (gst_buffer_memcmp (buffer, 0, expected, strlen (expected))
      == 0);
  fail_unless_equals_int (gst_buffer_get_size (buffer), strlen (expected));
  gst_buffer_unref (buffer);
}

GST_START_TEST (test_late_subscriber_gets_sticky_events_first)
{
  GstElement *src = make_src ();
  GstHarness *early = subscribe (src), *late;

  fail_unless_equals_int (rtcbot_check_put_string (src, "put-json",
          "{\"a\": 1}"), GST_FLOW_OK);
  assert_next_bytes (early, "{\"a\": 1}");

  late = subscribe (src);
  fail_unless_equals_int (rtcbot_check_put_string (src, "put-json", "[2]"),
      GST_FLOW_OK);

  assert_next_event (late, GST_EVENT_STREAM_START);
  assert_next_caps (late, "application/x-json");
  assert_next_event (late, GST_EVENT_SEGMENT);
  fail_unless_equals_int (gst_harness_events_in_queue (late), 0);
  assert_next_bytes (late, "[2]");
  assert_next_bytes (early, "[2]");

  gst_harness_teardown (late);
  gst_harness_teardown (early);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_caps_follow_each_kind_of_message)
{
  GstElement *src = make_src ();
  GstHarness *h = subscribe (src);

  fail_unless_equals_int (rtcbot_check_put_string (src, "put-string", "hello"),
      GST_FLOW_OK);
  fail_unless_equals_int (rtcbot_check_put_string (src, "put-json",
          "{\"k\": true}"), GST_FLOW_OK);
  fail_unless_equals_int (put_offset (src, 7), GST_FLOW_OK);

  assert_next_event (h, GST_EVENT_STREAM_START);
  assert_next_caps (h, "text/x-raw, format=utf8");
  assert_next_event (h, GST_EVENT_SEGMENT);
  assert_next_bytes (h, "hello");
  assert_next_caps (h, "application/x-json");
  assert_next_event (h, GST_EVENT_SEGMENT);
  assert_next_bytes (h, "{\"k\": true}");
  /* a plain put is bytes, whatever came before it */
  assert_next_caps (h, "application/octet-stream");
  assert_next_event (h, GST_EVENT_SEGMENT);
  gst_buffer_unref (gst_harness_pull (h));
  fail_unless_equals_int (put_offset (src, 8), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
  fail_unless_equals_int (gst_harness_events_in_queue (h), 0);

  gst_harness_teardown (h);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_caps_property_and_put_sample)
{
  GstElement *src = make_src ();
  GstHarness *h = subscribe (src);
  GstCaps *video = gst_caps_from_string ("video/x-raw, format=I420, "
      "width=4, height=4, framerate=30/1");
  GstBuffer *buffer = gst_buffer_new_allocate (NULL, 24, NULL);
  GstSample *sample = gst_sample_new (buffer, video, NULL, NULL);
  GstFlowReturn ret;

  /* without the caps property, plain puts are bytes */
  fail_unless_equals_int (put_offset (src, 1), GST_FLOW_OK);
  assert_next_event (h, GST_EVENT_STREAM_START);
  assert_next_caps (h, "application/octet-stream");
  assert_next_event (h, GST_EVENT_SEGMENT);
  gst_buffer_unref (gst_harness_pull (h));

  /* a sample's caps become the stream's caps, also for later plain puts */
  g_signal_emit_by_name (src, "put-sample", sample, &ret);
  fail_unless_equals_int (ret, GST_FLOW_OK);
  assert_next_caps (h, "video/x-raw, format=I420, width=4, height=4, "
      "framerate=30/1");
  assert_next_event (h, GST_EVENT_SEGMENT);
  gst_buffer_unref (gst_harness_pull (h));
  fail_unless_equals_int (put_offset (src, 2), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
  fail_unless_equals_int (gst_harness_events_in_queue (h), 0);

  /* the caps property wins for plain puts */
  g_object_set (src, "caps", video, NULL);
  gst_caps_unref (video);
  video = gst_caps_from_string ("application/x-rtcbot-test");
  g_object_set (src, "caps", video, NULL);
  fail_unless_equals_int (put_offset (src, 3), GST_FLOW_OK);
  assert_next_caps (h, "application/x-rtcbot-test");

  gst_caps_unref (video);
  gst_sample_unref (sample);
  gst_buffer_unref (buffer);
  gst_harness_teardown (h);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_fifo_overflow_drops_oldest_and_marks_discont)
{
  GstElement *src = make_src ();
  GstBus *bus = attach_bus (src);
  GstHarness *h = subscribe (src);
  Stall stall;
  guint64 i, expect[] = { 0, 96, 97, 98, 99 };
  gint warnings;

  set_policy (h, "fifo", 4);
  stall_begin (&stall, h);
  fail_unless_equals_int (put_offset (src, 0), GST_FLOW_OK);
  stall_wait_blocked (&stall);

  /* the producer never waits for the stalled subscriber */
  for (i = 1; i < 100; i++)
    fail_unless_equals_int (put_offset (src, i), GST_FLOW_OK);
  fail_unless_equals_int (pad_level (h), 4);
  fail_unless_equals_uint64 (pad_dropped (h), 95);

  warnings = count_messages (bus, GST_MESSAGE_WARNING, NULL);
  /* rate-limited: not one per drop */
  fail_unless (warnings >= 1 && warnings <= 3, "%d warnings", warnings);

  stall_end (&stall);
  for (i = 0; i < G_N_ELEMENTS (expect); i++) {
    GstBuffer *buffer = gst_harness_pull (h);

    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buffer), expect[i]);
    /* only the first buffer after the gap is DISCONT */
    fail_unless_equals_int (GST_BUFFER_IS_DISCONT (buffer), i == 1);
    gst_buffer_unref (buffer);
  }

  gst_harness_teardown (h);
  gst_element_set_bus (src, NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_latest_keeps_only_newest)
{
  GstElement *src = make_src ();
  GstHarness *h = subscribe (src), *other = subscribe (src);
  GstBuffer *buffer;
  Stall stall;
  guint64 i;

  set_policy (h, "latest", 64);
  set_policy (other, "block", 0);
  stall_begin (&stall, h);
  fail_unless_equals_int (put_offset (src, 0), GST_FLOW_OK);
  stall_wait_blocked (&stall);
  for (i = 1; i < 100; i++)
    fail_unless_equals_int (put_offset (src, i), GST_FLOW_OK);
  fail_unless_equals_int (pad_level (h), 1);
  fail_unless_equals_uint64 (pad_dropped (h), 98);
  stall_end (&stall);

  buffer = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buffer), 0);
  gst_buffer_unref (buffer);
  buffer = gst_harness_pull (h);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buffer), 99);
  fail_if (GST_BUFFER_IS_DISCONT (buffer));
  gst_buffer_unref (buffer);

  /* the other subscriber, unaffected, got everything */
  for (i = 0; i < 100; i++) {
    buffer = gst_harness_pull (other);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buffer), i);
    gst_buffer_unref (buffer);
  }
  fail_unless_equals_uint64 (pad_dropped (other), 0);

  gst_harness_teardown (other);
  gst_harness_teardown (h);
  gst_object_unref (src);
}

GST_END_TEST;

typedef struct
{
  GstElement *src;
  guint64 first, count;
  gint done;                    /* atomic: puts that returned */
  GstFlowReturn last;
} Putter;

static gpointer
putter_thread (gpointer user_data)
{
  Putter *p = user_data;
  guint64 i;

  for (i = 0; i < p->count; i++) {
    p->last = put_offset (p->src, p->first + i);
    g_atomic_int_inc (&p->done);
  }
  return NULL;
}

/* Waits until the putter has made @n puts and the next one does not
 * return: it is held back by a full `block` subscription. */
static void
wait_putter_blocked_at (Putter * p, GstHarness * h, guint level, gint n)
{
  gint i;

  for (i = 0; i < 5000 && (g_atomic_int_get (&p->done) < n
          || pad_level (h) < level); i++)
    g_usleep (1000);
  fail_unless_equals_int (pad_level (h), level);
  fail_unless_equals_int (g_atomic_int_get (&p->done), n);
  /* a broken block policy would run through all puts meanwhile */
  g_usleep (50 * 1000);
  fail_unless_equals_int (g_atomic_int_get (&p->done), n);
}

GST_START_TEST (test_block_is_lossless_backpressure)
{
  GstElement *src = make_src ();
  GstHarness *h = subscribe (src), *free_running = subscribe (src);
  Putter p = { src, 1, 20, 0, GST_FLOW_OK };
  GThread *thread;
  Stall stall;
  guint64 i;

  set_policy (h, "block", 4);
  set_policy (free_running, "block", 0);
  stall_begin (&stall, h);
  fail_unless_equals_int (put_offset (src, 0), GST_FLOW_OK);
  stall_wait_blocked (&stall);

  thread = g_thread_new ("putter", putter_thread, &p);
  wait_putter_blocked_at (&p, h, 4, 4);
  stall_end (&stall);
  g_thread_join (thread);
  fail_unless_equals_int (p.last, GST_FLOW_OK);

  for (i = 0; i <= 20; i++) {
    GstBuffer *buffer = gst_harness_pull (h);

    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buffer), i);
    fail_if (GST_BUFFER_IS_DISCONT (buffer));
    gst_buffer_unref (buffer);
    buffer = gst_harness_pull (free_running);
    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buffer), i);
    gst_buffer_unref (buffer);
  }
  fail_unless_equals_uint64 (pad_dropped (h), 0);

  gst_harness_teardown (free_running);
  gst_harness_teardown (h);
  gst_object_unref (src);
}

GST_END_TEST;

static gpointer
stop_thread (gpointer user_data)
{
  gst_element_set_state (GST_ELEMENT (user_data), GST_STATE_NULL);
  return NULL;
}

GST_START_TEST (test_block_never_deadlocks_shutdown)
{
  GstElement *src = make_src ();
  GstHarness *h = subscribe (src);
  Putter p = { src, 1, 10, 0, GST_FLOW_OK };
  GThread *putter, *stopper;
  Stall stall;

  set_policy (h, "block", 2);
  stall_begin (&stall, h);
  fail_unless_equals_int (put_offset (src, 0), GST_FLOW_OK);
  stall_wait_blocked (&stall);
  putter = g_thread_new ("putter", putter_thread, &p);
  wait_putter_blocked_at (&p, h, 2, 2);

  /* shutting down releases the blocked put at once, even though the
   * subscriber's own thread is still stuck downstream */
  stopper = g_thread_new ("stopper", stop_thread, src);
  g_thread_join (putter);
  fail_unless_equals_int (g_atomic_int_get (&p.done), 10);

  stall_end (&stall);
  g_thread_join (stopper);

  gst_harness_teardown (h);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_releasing_a_full_block_pad_releases_put)
{
  GstElement *src = make_src ();
  GstHarness *h = subscribe (src), *other = subscribe (src);
  GstPad *pad = gst_object_ref (GST_PAD_PEER (h->sinkpad));
  Putter p = { src, 0, 50, 0, GST_FLOW_OK };
  GThread *putter;
  guint64 i;

  /* an unlinked block subscription still drains: the producer goes on */
  set_policy (h, "block", 2);
  set_policy (other, "block", 0);
  gst_pad_unlink (pad, h->sinkpad);
  putter = g_thread_new ("putter", putter_thread, &p);
  g_thread_join (putter);
  for (i = 0; i < 50; i++) {
    GstBuffer *buffer = gst_harness_pull (other);

    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buffer), i);
    gst_buffer_unref (buffer);
  }

  gst_element_release_request_pad (src, pad);
  gst_object_unref (pad);
  fail_unless_equals_int (put_offset (src, 50), GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (other));

  gst_harness_teardown (other);
  gst_harness_teardown (h);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_no_subscriber_put_is_ok)
{
  GstElement *src = make_src ();

  fail_unless_equals_int (put_offset (src, 0), GST_FLOW_OK);
  fail_unless_equals_int (rtcbot_check_put_string (src, "put-string", "x"),
      GST_FLOW_OK);
  gst_element_set_state (src, GST_STATE_PLAYING);
  fail_unless_equals_int (put_offset (src, 1), GST_FLOW_OK);
  /* the default subscription starts at the first get: nothing before */
  fail_unless (get (src, 0) == NULL);
  gst_element_set_state (src, GST_STATE_NULL);
  gst_object_unref (src);
}

GST_END_TEST;

static void
assert_sample_offset (GstSample * sample, guint64 offset)
{
  fail_unless (sample != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (gst_sample_get_buffer
          (sample)), offset);
  gst_sample_unref (sample);
}

GST_START_TEST (test_default_subscription_and_unsubscribe)
{
  GstElement *src = make_src ();
  GstSample *sample;
  GstCaps *json = gst_caps_from_string ("application/x-json");

  /* the first get subscribes; it times out on nothing */
  fail_unless (get (src, 0) == NULL);
  fail_unless (get (src, 20 * GST_MSECOND) == NULL);

  put_offset (src, 1);
  put_offset (src, 2);
  rtcbot_check_put_string (src, "put-json", "{\"v\": 3}");
  assert_sample_offset (get (src, GST_CLOCK_TIME_NONE), 1);
  assert_sample_offset (get (src, 0), 2);
  sample = get (src, 0);
  fail_unless (sample != NULL);
  fail_unless (gst_caps_is_equal (gst_sample_get_caps (sample), json));
  gst_sample_unref (sample);
  fail_unless (get (src, 0) == NULL);

  /* unsubscribe drops the default subscription and what it held */
  put_offset (src, 4);
  g_signal_emit_by_name (src, "unsubscribe");
  put_offset (src, 5);
  fail_unless (get (src, 0) == NULL);
  put_offset (src, 6);
  assert_sample_offset (get (src, 0), 6);

  gst_caps_unref (json);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_default_autosubscribe)
{
  GstElement *src = make_src ();
  guint64 i;

  g_object_set (src, "default-autosubscribe", TRUE, NULL);
  for (i = 0; i < 3; i++)
    put_offset (src, i);
  for (i = 0; i < 3; i++)
    assert_sample_offset (get (src, 0), i);

  /* a fifo of 64: overflow keeps the newest and flags the gap */
  for (i = 0; i < 100; i++)
    put_offset (src, i);
  {
    GstSample *sample = get (src, 0);

    fail_unless_equals_uint64 (GST_BUFFER_OFFSET (gst_sample_get_buffer
            (sample)), 36);
    fail_unless (GST_BUFFER_IS_DISCONT (gst_sample_get_buffer (sample)));
    gst_sample_unref (sample);
  }
  gst_object_unref (src);
}

GST_END_TEST;

typedef struct
{
  GstElement *src;
  gint done;
  GstSample *sample;
} Getter;

static gpointer
get_forever_thread (gpointer user_data)
{
  Getter *g = user_data;

  g->sample = get (g->src, GST_CLOCK_TIME_NONE);
  g_atomic_int_set (&g->done, 1);
  return NULL;
}

GST_START_TEST (test_waiting_get_woken_by_unsubscribe_and_close)
{
  GstElement *src = make_src ();
  Getter g = { src, 0, NULL };
  GThread *thread;
  gint i;

  /* a get that waits returns NULL when the subscription is dropped; one
   * that starts later makes a new subscription, so unsubscribe until the
   * getter was caught waiting */
  thread = g_thread_new ("get", get_forever_thread, &g);
  for (i = 0; i < 2000 && !g_atomic_int_get (&g.done); i++) {
    g_usleep (5000);
    g_signal_emit_by_name (src, "unsubscribe");
  }
  g_thread_join (thread);
  fail_unless (g.done);
  fail_unless (g.sample == NULL);

  put_offset (src, 1);
  fail_unless (get (src, 0) == NULL);
  put_offset (src, 2);
  g.done = 0;
  thread = g_thread_new ("get", get_forever_thread, &g);
  g_thread_join (thread);
  assert_sample_offset (g.sample, 2);

  /* close: what is queued is still served, then NULL for ever */
  put_offset (src, 3);
  g_signal_emit_by_name (src, "close");
  assert_sample_offset (get (src, 0), 3);
  thread = g_thread_new ("get", get_forever_thread, &g);
  g_thread_join (thread);
  fail_unless (g.sample == NULL);

  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_close_sends_eos_and_posts_closed_once)
{
  GstElement *src = make_src ();
  GstBus *bus = attach_bus (src);
  GstHarness *h[2] = { subscribe (src), subscribe (src) };
  GstMessage *msg;
  gboolean closed;
  const gchar *reason;
  guint i;

  put_offset (src, 0);
  g_signal_emit_by_name (src, "close");
  g_signal_emit_by_name (src, "close");

  for (i = 0; i < 2; i++) {
    GstBuffer *buffer = NULL;

    gst_buffer_unref (gst_harness_pull (h[i]));
    fail_unless (gst_harness_pull_until_eos (h[i], &buffer));
    fail_unless (buffer == NULL);
  }

  g_object_get (src, "closed", &closed, NULL);
  fail_unless (closed);
  fail_unless_equals_int (put_offset (src, 1), GST_FLOW_EOS);

  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  while (msg && !gst_message_has_name (msg, "rtcbot-closed")) {
    gst_message_unref (msg);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  }
  fail_unless (msg != NULL);
  reason = gst_structure_get_string (gst_message_get_structure (msg), "reason");
  fail_unless (reason != NULL && *reason != '\0');
  gst_message_unref (msg);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_ELEMENT,
          "rtcbot-closed"), 0);

  gst_harness_teardown (h[1]);
  gst_harness_teardown (h[0]);
  gst_element_set_bus (src, NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_ready_follows_playing)
{
  GstElement *src = make_src ();
  GstBus *bus = attach_bus (src);
  GstMessage *msg;
  gboolean ready, value;

  g_object_get (src, "ready", &ready, NULL);
  fail_if (ready);
  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_PAUSED),
      GST_STATE_CHANGE_NO_PREROLL);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_ELEMENT,
          "rtcbot-ready"), 0);
  gst_element_set_state (src, GST_STATE_PLAYING);
  g_object_get (src, "ready", &ready, NULL);
  fail_unless (ready);

  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (msg != NULL && gst_message_has_name (msg, "rtcbot-ready"));
  fail_unless (gst_structure_get_boolean (gst_message_get_structure (msg),
          "ready", &value) && value);
  gst_message_unref (msg);

  gst_element_set_state (src, GST_STATE_NULL);
  g_object_get (src, "ready", &ready, NULL);
  fail_if (ready);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (msg != NULL && gst_message_has_name (msg, "rtcbot-ready"));
  fail_unless (gst_structure_get_boolean (gst_message_get_structure (msg),
          "ready", &value) && !value);
  gst_message_unref (msg);

  gst_element_set_bus (src, NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_invalid_json_and_text_are_refused)
{
  GstElement *src = make_src ();
  GstBus *bus = attach_bus (src);
  GstHarness *h = subscribe (src);
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;

  fail_unless_equals_int (rtcbot_check_put_string (src, "put-json",
          "{\"a\": 1,}"), GST_FLOW_ERROR);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL);
  gst_message_parse_warning (msg, &error, &debug);
  fail_unless (strstr (error->message, "line 1, column") != NULL,
      "warning does not name the position: %s", error->message);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (msg);

  fail_unless_equals_int (rtcbot_check_put_string (src, "put-string",
          "bad \xff utf8"), GST_FLOW_ERROR);
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_WARNING, NULL), 1);

  /* nothing was sent, and the element still works */
  fail_unless_equals_int (rtcbot_check_put_string (src, "put-json", "true"),
      GST_FLOW_OK);
  assert_next_bytes (h, "true");
  fail_unless (gst_harness_try_pull (h) == NULL);

  gst_harness_teardown (h);
  gst_element_set_bus (src, NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_do_timestamp)
{
  GstElement *src = make_src ();
  GstHarness *h;
  GstBuffer *buffer;
  GstClock *clock;
  GstClockTime expected;

  g_object_set (src, "do-timestamp", TRUE, NULL);
  h = subscribe (src);
  gst_harness_set_time (h, 3 * GST_SECOND);
  clock = gst_element_get_clock (src);
  fail_unless (clock != NULL);
  expected = gst_clock_get_time (clock) - gst_element_get_base_time (src);
  put_offset (src, 0);
  buffer = gst_harness_pull (h);
  fail_unless_equals_clocktime (GST_BUFFER_PTS (buffer), expected);
  gst_buffer_unref (buffer);

  gst_object_unref (clock);
  gst_harness_teardown (h);
  gst_object_unref (src);
}

GST_END_TEST;

/* Request/release while several threads put; each thread's messages
 * must still reach a steady subscriber in order. */
typedef struct
{
  GstElement *src;
  guint64 thread_id;
  guint64 seq;
} StressPutter;

static void
stress_put (gpointer thread, gpointer data)
{
  StressPutter *p = data;

  put_offset (p->src, (p->thread_id << 32) | p->seq++);
}

GST_START_TEST (test_request_release_while_putting)
{
  GstElement *src = make_src ();
  GstHarness *h = subscribe (src);
  GstHarnessThread *req, *puts[3];
  StressPutter putters[3];
  guint64 last[3] = { 0, 0, 0 }, received = 0;
  GstPadTemplate *templ;
  GstBuffer *buffer;
  guint i, cycles;

  set_policy (h, "block", 0);
  templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (src),
      "src_%u");
  req = gst_harness_stress_requestpad_start (h, templ, NULL, NULL, TRUE);
  for (i = 0; i < 3; i++) {
    putters[i].src = src;
    putters[i].thread_id = i + 1;
    putters[i].seq = 1;
    puts[i] = gst_harness_stress_custom_start (h, NULL, stress_put,
        &putters[i], 0);
  }
  g_usleep (G_USEC_PER_SEC / 2);
  for (i = 0; i < 3; i++)
    gst_harness_stress_thread_stop (puts[i]);
  cycles = gst_harness_stress_thread_stop (req);
  fail_unless (cycles > 0);

  while ((buffer = gst_harness_try_pull (h))) {
    guint64 id = GST_BUFFER_OFFSET (buffer) >> 32;
    guint64 seq = GST_BUFFER_OFFSET (buffer) & G_MAXUINT32;

    fail_unless (id >= 1 && id <= 3);
    fail_unless (seq == last[id - 1] + 1, "thread %" G_GUINT64_FORMAT
        ": %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT, id, seq,
        last[id - 1]);
    last[id - 1] = seq;
    received++;
    gst_buffer_unref (buffer);
  }
  fail_unless_equals_uint64 (pad_dropped (h), 0);
  GST_INFO ("%u request/release cycles, %" G_GUINT64_FORMAT " messages",
      cycles, received);

  gst_harness_teardown (h);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_state_cycles_with_traffic)
{
  GstElement *pipeline = gst_parse_launch ("rtcbotsrc name=src "
      "src.src_0 ! fakesink sync=false  src.src_1 ! queue ! fakesink "
      "sync=true", NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstBus *bus = gst_element_get_bus (pipeline);
  guint cycle, i;

  fail_unless (pipeline != NULL && src != NULL);
  for (cycle = 0; cycle < 100; cycle++) {
    fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
        GST_STATE_CHANGE_FAILURE);
    for (i = 0; i < 10; i++)
      fail_unless_equals_int (rtcbot_check_put_string (src, "put-json",
              "{\"i\": 1}"), GST_FLOW_OK);
    if (cycle % 10 == 0)
      g_signal_emit_by_name (src, "close");
    fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
  }
  fail_unless_equals_int (count_messages (bus, GST_MESSAGE_ERROR, NULL), 0);

  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_close_in_pipeline_reaches_eos)
{
  GstElement *pipeline = gst_parse_launch ("rtcbotsrc name=src "
      "src.src_0 ! fakesink  src.src_1 ! queue ! fakesink", NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;

  /* live: the sinks complete their state change with the first message */
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PLAYING),
      GST_STATE_CHANGE_ASYNC);
  rtcbot_check_put_string (src, "put-json", "{}");
  g_signal_emit_by_name (src, "close");
  msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_message_unref (msg);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (src);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Counts buffers, whether they come alone or in a list. */
static GstPadProbeReturn
count_buffers_probe (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    g_atomic_int_add ((gint *) data,
        gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info)));
  else
    g_atomic_int_inc ((gint *) data);
  return GST_PAD_PROBE_OK;
}

/* An EOS sent to the pipeline (gst-launch-1.0 -e on Ctrl-C) ends the
 * stream like close: after the messages already put, with rtcbot-closed. */
GST_START_TEST (test_eos_sent_to_pipeline_reaches_eos)
{
  GstElement *pipeline = gst_parse_launch ("rtcbotsrc name=src "
      "src.src_0 ! fakesink name=sink", NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  gint received = 0;
  gboolean closed = FALSE;
  gchar *reason = NULL;

  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, count_buffers_probe, &received, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  rtcbot_check_put_string (src, "put-json", "{\"a\": 1}");
  rtcbot_check_put_string (src, "put-json", "{\"a\": 2}");
  fail_unless (gst_element_send_event (pipeline, gst_event_new_eos ()));
  /* rtcbot-closed comes first, then the pipeline's EOS */
  while ((msg = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND,
              GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_ELEMENT))) {
    GstMessageType type = GST_MESSAGE_TYPE (msg);

    if (gst_message_has_name (msg, "rtcbot-closed"))
      reason = g_strdup (gst_structure_get_string (gst_message_get_structure
              (msg), "reason"));
    gst_message_unref (msg);
    fail_if (type == GST_MESSAGE_ERROR);
    if (type == GST_MESSAGE_EOS)
      break;
  }
  fail_unless_equals_string (reason, "end of stream");
  fail_unless_equals_int (g_atomic_int_get (&received), 2);
  g_object_get (src, "closed", &closed, NULL);
  fail_unless (closed);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (sinkpad);
  gst_object_unref (sink);
  gst_object_unref (src);
  gst_object_unref (pipeline);
  g_free (reason);
}

GST_END_TEST;

/* Release racing a state change must neither leave a task running on a
 * removed pad nor hang the state change. */
typedef struct
{
  GstElement *src;
  gint stop;
} Toggler;

static gpointer
toggle_states (gpointer user_data)
{
  Toggler *t = user_data;

  while (!g_atomic_int_get (&t->stop)) {
    gst_element_set_state (t->src, GST_STATE_PLAYING);
    gst_element_set_state (t->src, GST_STATE_READY);
  }
  return NULL;
}

GST_START_TEST (test_release_during_state_changes)
{
  GstElement *src = make_src ();
  Toggler t = { src, 0 };
  GThread *thread = g_thread_new ("toggle", toggle_states, &t);
  GPtrArray *released = g_ptr_array_new_with_free_func (gst_object_unref);
  guint i;

  for (i = 0; i < 500; i++) {
    GstPad *pad = gst_element_request_pad_simple (src, "src_%u");

    fail_unless (pad != NULL);
    put_offset (src, i);
    gst_element_release_request_pad (src, pad);
    fail_unless (GST_OBJECT_PARENT (pad) == NULL);
    g_ptr_array_add (released, pad);
  }
  g_atomic_int_set (&t.stop, 1);
  g_thread_join (thread);

  /* once the state changes are over, nothing runs on a released pad */
  for (i = 0; i < released->len; i++) {
    GstPad *pad = g_ptr_array_index (released, i);
    GstTask *task = GST_PAD_TASK (pad);

    fail_unless (task == NULL
        || gst_task_get_state (task) != GST_TASK_STARTED,
        "%s still has a running task", GST_PAD_NAME (pad));
  }
  g_ptr_array_unref (released);
  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (src);
}

GST_END_TEST;

/* Messages put concurrently with different caps each arrive under their
 * own caps. */
static GstPadProbeReturn
check_caps_of_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  gint *mislabelled = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstCaps *caps = gst_pad_get_current_caps (pad);
  gboolean json = caps && gst_structure_has_name (gst_caps_get_structure
      (caps, 0), "application/x-json");
  guint8 first = 0;

  gst_buffer_extract (buffer, 0, &first, 1);
  if (json != (first == '{'))
    g_atomic_int_inc (mislabelled);
  gst_clear_caps (&caps);
  return GST_PAD_PROBE_OK;
}

typedef struct
{
  GstElement *src;
  const gchar *signal;
  const gchar *text;
} KindPutter;

static gpointer
put_kind_thread (gpointer user_data)
{
  KindPutter *p = user_data;
  guint i;

  for (i = 0; i < 5000; i++)
    rtcbot_check_put_string (p->src, p->signal, p->text);
  return NULL;
}

GST_START_TEST (test_concurrent_puts_keep_their_caps)
{
  GstElement *pipeline = gst_parse_launch ("rtcbotsrc name=src ! "
      "fakesink name=sink sync=false async=false", NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");
  GstPad *srcpad = gst_pad_get_peer (sinkpad);
  KindPutter json = { src, "put-json", "{}" };
  KindPutter text = { src, "put-string", "text" };
  GThread *a, *b;
  gint mislabelled = 0;

  gst_util_set_object_arg (G_OBJECT (srcpad), "policy", "block");
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER,
      check_caps_of_buffer, &mislabelled, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  a = g_thread_new ("json", put_kind_thread, &json);
  b = g_thread_new ("text", put_kind_thread, &text);
  g_thread_join (a);
  g_thread_join (b);
  g_signal_emit_by_name (src, "close");
  gst_message_unref (gst_bus_timed_pop_filtered (GST_ELEMENT_BUS (pipeline),
          GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS));
  fail_unless_equals_int (g_atomic_int_get (&mislabelled), 0);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (srcpad);
  gst_object_unref (sinkpad);
  gst_object_unref (sink);
  gst_object_unref (src);
  gst_object_unref (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_after_close_get_and_new_subscribers_end_at_once)
{
  GstElement *src = make_src ();
  GstHarness *h;
  GstBuffer *buffer = NULL;
  gint64 start;

  g_signal_emit_by_name (src, "close");
  /* no subscription existed: nothing can come, so no waiting */
  start = g_get_monotonic_time ();
  fail_unless (get (src, 60 * GST_SECOND) == NULL);
  fail_unless (g_get_monotonic_time () - start < 30 * G_USEC_PER_SEC);

  /* a subscriber that arrives after close gets its stream, then EOS */
  h = subscribe (src);
  fail_unless (gst_harness_pull_until_eos (h, &buffer));
  fail_unless (buffer == NULL);
  assert_next_event (h, GST_EVENT_STREAM_START);

  gst_harness_teardown (h);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_request_taken_name_fails_cleanly)
{
  GstElement *src = make_src ();
  GstPad *pad = gst_element_request_pad_simple (src, "src_3"), *again = NULL;

  fail_unless (pad != NULL);
  /* core warns about the taken name, then asks us anyway */
  ASSERT_CRITICAL (again = gst_element_request_pad_simple (src, "src_3"));
  fail_unless (again == NULL);
  gst_element_release_request_pad (src, pad);
  gst_object_unref (pad);
  gst_object_unref (src);
}

GST_END_TEST;


/* The default subscription takes the element's policy: `block` makes put
 * wait for get, so nothing is lost; `latest` keeps the newest only. */
GST_START_TEST (test_default_subscription_policy)
{
  GstElement *src = make_src ();
  Putter p = { src, 0, 20, 0, GST_FLOW_OK };
  GThread *thread;
  guint64 i;
  gint k;

  g_object_set (src, "default-autosubscribe", TRUE, "max-buffers", 2, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "policy", "block");
  thread = g_thread_new ("putter", putter_thread, &p);
  /* two fit; the third put waits for a get */
  for (k = 0; k < 5000 && g_atomic_int_get (&p.done) < 2; k++)
    g_usleep (1000);
  g_usleep (50 * 1000);
  fail_unless_equals_int (g_atomic_int_get (&p.done), 2);
  for (i = 0; i < 20; i++)
    assert_sample_offset (get (src, GST_CLOCK_TIME_NONE), i);
  g_thread_join (thread);
  fail_unless (get (src, 0) == NULL);

  gst_util_set_object_arg (G_OBJECT (src), "policy", "latest");
  for (i = 0; i < 10; i++)
    put_offset (src, i);
  assert_sample_offset (get (src, 0), 9);
  fail_unless (get (src, 0) == NULL);

  gst_object_unref (src);
}

GST_END_TEST;

static Suite *
rtcbotsrc_suite (void)
{
  Suite *s = suite_create ("rtcbotsrc");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_fanout_identical_zero_copy);
  tcase_add_test (tc, test_late_subscriber_gets_sticky_events_first);
  tcase_add_test (tc, test_caps_follow_each_kind_of_message);
  tcase_add_test (tc, test_caps_property_and_put_sample);
  tcase_add_test (tc, test_fifo_overflow_drops_oldest_and_marks_discont);
  tcase_add_test (tc, test_latest_keeps_only_newest);
  tcase_add_test (tc, test_block_is_lossless_backpressure);
  tcase_add_test (tc, test_block_never_deadlocks_shutdown);
  tcase_add_test (tc, test_releasing_a_full_block_pad_releases_put);
  tcase_add_test (tc, test_no_subscriber_put_is_ok);
  tcase_add_test (tc, test_default_subscription_and_unsubscribe);
  tcase_add_test (tc, test_default_autosubscribe);
  tcase_add_test (tc, test_waiting_get_woken_by_unsubscribe_and_close);
  tcase_add_test (tc, test_close_sends_eos_and_posts_closed_once);
  tcase_add_test (tc, test_ready_follows_playing);
  tcase_add_test (tc, test_invalid_json_and_text_are_refused);
  tcase_add_test (tc, test_do_timestamp);
  tcase_add_test (tc, test_request_release_while_putting);
  tcase_add_test (tc, test_state_cycles_with_traffic);
  tcase_add_test (tc, test_close_in_pipeline_reaches_eos);
  tcase_add_test (tc, test_eos_sent_to_pipeline_reaches_eos);
  tcase_add_test (tc, test_release_during_state_changes);
  tcase_add_test (tc, test_concurrent_puts_keep_their_caps);
  tcase_add_test (tc, test_after_close_get_and_new_subscribers_end_at_once);
  tcase_add_test (tc, test_request_taken_name_fails_cleanly);
  tcase_add_test (tc, test_default_subscription_policy);
  return s;
}

GST_CHECK_MAIN (rtcbotsrc);
