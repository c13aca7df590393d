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

/* Unit tests for rtcbotsink (docs/rtcbotsink.md): active-pad selection
 * and switching, direct put, get, close/EOS, readiness, the app-side
 * queue policies, and request/release and state changes under load.
 * Producers are GstHarness instances on the element's sink_%u pads, so
 * every push is synchronous and messages are on the bus when it returns. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include "rtcbotcheck.h"
#include <gst/check/gstharness.h>
#include <string.h>
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#endif

#define CAPS_A "application/x-test, producer = (string) a"
#define CAPS_B "application/x-test, producer = (string) b"
#define CAPS_JSON "application/x-json"
#define CAPS_TEXT "text/x-raw, format = (string) utf8"
#define CAPS_BYTES "application/octet-stream"

/* generous, so that the suite also passes under valgrind */
#define WAIT_US (10 * G_USEC_PER_SEC)

/* ---------------------------------------------------------------------- */
/* helpers                                                                */

static GstElement *
make_sink (void)
{
  GstElement *sink = gst_element_factory_make ("rtcbotsink", NULL);

  fail_unless (sink != NULL, "rtcbotsink not found (GST_PLUGIN_PATH?)");
  return gst_object_ref_sink (sink);
}

static GstBus *
attach_bus (GstElement * element)
{
  GstBus *bus = gst_bus_new ();

  gst_element_set_bus (element, bus);
  return bus;
}

/* Breaks the element -> bus -> message -> element cycle. */
static void
detach_bus (GstElement * element, GstBus * bus)
{
  gst_element_set_bus (element, NULL);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
}

/* A producer on a new sink_%u pad, with stream-start, caps and segment. */
static GstHarness *
add_producer (GstElement * sink, const gchar * caps)
{
  GstHarness *h = gst_harness_new_with_element (sink, "sink_%u", NULL);

  fail_unless (h != NULL);
  gst_harness_set_src_caps_str (h, caps);
  return h;
}

/* Deactivating a pad drops its sticky events; a producer that goes on
 * afterwards sends them again. */
static void
resend_sticky (GstHarness * h, const gchar * caps)
{
  fail_unless (gst_harness_push_event (h,
          gst_event_new_stream_start ("again")));
  gst_harness_set_src_caps_str (h, caps);
}

/* transfer none: the element's pad the harness feeds */
static GstPad *
producer_pad (GstHarness * h)
{
  return GST_PAD_PEER (h->srcpad);
}

static GstBuffer *
make_buffer (guint64 offset)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, sizeof (offset), NULL);

  gst_buffer_fill (buf, 0, &offset, sizeof (offset));
  GST_BUFFER_OFFSET (buf) = offset;
  GST_BUFFER_PTS (buf) = offset * GST_MSECOND;
  return buf;
}

static GstFlowReturn
push (GstHarness * h, guint64 offset)
{
  return gst_harness_push (h, make_buffer (offset));
}

static GstSample *
sink_get (GstElement * sink, GstClockTime timeout)
{
  GstSample *sample = NULL;

  g_signal_emit_by_name (sink, "get", (guint64) timeout, &sample);
  return sample;
}

static GstFlowReturn
sink_put_bytes (GstElement * sink, const guint8 * data, gsize size)
{
  GstBuffer *buf = gst_buffer_new_memdup (data, size);
  GstFlowReturn ret = GST_FLOW_CUSTOM_ERROR;

  g_signal_emit_by_name (sink, "put", buf, &ret);
  gst_buffer_unref (buf);
  return ret;
}


/* transfer none, but only compared against, never dereferenced */
static GstPad *
active_pad (GstElement * sink)
{
  GstPad *pad = NULL;

  g_object_get (sink, "active-pad", &pad, NULL);
  if (pad)
    gst_object_unref (pad);
  return pad;
}

static gboolean
get_bool (GstElement * element, const gchar * property)
{
  gboolean value = FALSE;

  g_object_get (element, property, &value, NULL);
  return value;
}

static guint64
get_dropped (GstElement * sink)
{
  guint64 dropped = G_MAXUINT64;

  g_object_get (sink, "dropped", &dropped, NULL);
  return dropped;
}

static void
assert_caps (GstCaps * got, const gchar * expected)
{
  GstCaps *want = gst_caps_from_string (expected);
  gchar *str;

  fail_unless (got != NULL, "no caps, expected %s", expected);
  str = gst_caps_to_string (got);
  fail_unless (gst_caps_is_equal (got, want), "caps %s, expected %s", str,
      expected);
  g_free (str);
  gst_caps_unref (want);
}

#define ANY_DISCONT (-1)

/* Checks a sample that came from a producer pad and unrefs it. @discont:
 * whether the buffer must be flagged DISCONT, or ANY_DISCONT. */
static void
check_sample (GstSample * sample, guint64 offset, const gchar * caps,
    gint discont)
{
  GstBuffer *buf;

  fail_unless (sample != NULL, "no sample, expected offset %" G_GUINT64_FORMAT,
      offset);
  buf = gst_sample_get_buffer (sample);
  fail_unless (buf != NULL);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (buf), offset);
  assert_caps (gst_sample_get_caps (sample), caps);
  if (discont != ANY_DISCONT)
    fail_unless_equals_int (GST_BUFFER_FLAG_IS_SET (buf,
            GST_BUFFER_FLAG_DISCONT) ? 1 : 0, discont ? 1 : 0);
  gst_sample_unref (sample);
}

/* Checks a message inserted with put* and unrefs it. */
static void
check_put_sample (GstSample * sample, const gchar * caps, gconstpointer data,
    gsize size)
{
  GstBuffer *buf;

  fail_unless (sample != NULL, "no sample, expected a %s message", caps);
  buf = gst_sample_get_buffer (sample);
  fail_unless (buf != NULL);
  assert_caps (gst_sample_get_caps (sample), caps);
  fail_unless_equals_uint64 (gst_buffer_get_size (buf), size);
  fail_unless (gst_buffer_memcmp (buf, 0, data, size) == 0,
      "payload differs from what was put");
  gst_sample_unref (sample);
}

/* Unrefs a sample that must be there. */
static void
drop_sample (GstSample * sample)
{
  fail_unless (sample != NULL, "expected a sample");
  gst_sample_unref (sample);
}

/* Drops whatever the application-side queue holds. */
static void
drain_queue (GstElement * sink)
{
  GstSample *sample;

  while ((sample = sink_get (sink, 0)))
    gst_sample_unref (sample);
}

static guint64
sample_offset (GstSample * sample)
{
  return GST_BUFFER_OFFSET (gst_sample_get_buffer (sample));
}

static gboolean
sample_is_discont (GstSample * sample)
{
  return GST_BUFFER_FLAG_IS_SET (gst_sample_get_buffer (sample),
      GST_BUFFER_FLAG_DISCONT);
}

/* Pops every pending message, oldest first. */
static GList *
drain_bus (GstBus * bus)
{
  GList *msgs = NULL;
  GstMessage *msg;

  while ((msg = gst_bus_pop (bus)))
    msgs = g_list_append (msgs, msg);
  return msgs;
}

static void
free_messages (GList * msgs)
{
  g_list_free_full (msgs, (GDestroyNotify) gst_message_unref);
}

static gboolean
is_element_message (GstMessage * msg, const gchar * name)
{
  return GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT &&
      gst_message_has_name (msg, name);
}

static guint
count_type (GList * msgs, GstMessageType type)
{
  guint n = 0;

  for (; msgs; msgs = msgs->next)
    n += GST_MESSAGE_TYPE (msgs->data) == type;
  return n;
}

static guint
count_named (GList * msgs, const gchar * name)
{
  guint n = 0;

  for (; msgs; msgs = msgs->next)
    n += is_element_message (msgs->data, name);
  return n;
}

/* transfer none */
static GstMessage *
find_type (GList * msgs, GstMessageType type)
{
  for (; msgs; msgs = msgs->next)
    if (GST_MESSAGE_TYPE (msgs->data) == type)
      return msgs->data;
  return NULL;
}

/* transfer none */
static GstMessage *
find_named (GList * msgs, const gchar * name)
{
  for (; msgs; msgs = msgs->next)
    if (is_element_message (msgs->data, name))
      return msgs->data;
  return NULL;
}

static void
count_cb (gpointer instance, gpointer arg, gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
}

/* Waits until *@value reaches @target; FALSE on timeout. */
static gboolean
wait_for_int (gint * value, gint target, gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;

  while (g_atomic_int_get (value) < target) {
    if (g_get_monotonic_time () > deadline)
      return FALSE;
    g_usleep (1000);
  }
  return TRUE;
}

/* A `get` in a thread of its own, which the test can wait for with a
 * deadline instead of hanging. */
typedef struct
{
  GstElement *sink;
  GstClockTime timeout;
  GThread *thread;
  gint tid;                     /* Linux thread id, 0 until known */
  GMutex lock;
  GCond cond;
  gboolean done;
  GstSample *sample;
} GetThread;

static gpointer
get_thread_func (gpointer data)
{
  GetThread *t = data;
  GstSample *sample;

#ifdef __linux__
  g_atomic_int_set (&t->tid, (gint) syscall (SYS_gettid));
#endif
  sample = sink_get (t->sink, t->timeout);

  g_mutex_lock (&t->lock);
  t->sample = sample;
  t->done = TRUE;
  g_cond_signal (&t->cond);
  g_mutex_unlock (&t->lock);
  return NULL;
}

static GetThread *
get_thread_start (GstElement * sink, GstClockTime timeout)
{
  GetThread *t = g_new0 (GetThread, 1);

  t->sink = gst_object_ref (sink);
  t->timeout = timeout;
  g_mutex_init (&t->lock);
  g_cond_init (&t->cond);
  t->thread = g_thread_new ("get", get_thread_func, t);
  return t;
}

static gboolean
get_thread_wait (GetThread * t, gint64 timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  gboolean done;

  g_mutex_lock (&t->lock);
  while (!t->done) {
    if (!g_cond_wait_until (&t->cond, &t->lock, deadline))
      break;
  }
  done = t->done;
  g_mutex_unlock (&t->lock);
  return done;
}

/* Returns once the get is asleep in the element (the thread is blocked,
 * as Linux reports it), so a test can wake it on purpose. Elsewhere it
 * just gives the thread some time. */
static void
get_thread_wait_blocked (GetThread * t)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;
  guint asleep = 0;

  while (asleep < 3 && g_get_monotonic_time () < deadline) {
    gint tid = g_atomic_int_get (&t->tid);
    gchar *path, *stat = NULL;
    const gchar *state;

    g_usleep (2000);
    if (tid == 0)
      continue;
    path = g_strdup_printf ("/proc/self/task/%d/stat", tid);
    if (!g_file_get_contents (path, &stat, NULL, NULL)) {
      g_free (path);
      g_usleep (100 * 1000);
      return;
    }
    /* "tid (comm) S ...", comm may hold anything but a ')' ends it */
    state = strrchr (stat, ')');
    asleep = state && state[1] == ' ' && state[2] == 'S' ? asleep + 1 : 0;
    g_free (stat);
    g_free (path);
  }
}

/* Joins (the get must have returned) and returns its sample. */
static GstSample *
get_thread_join (GetThread * t)
{
  GstSample *sample;

  g_thread_join (t->thread);
  sample = t->sample;
  gst_object_unref (t->sink);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->cond);
  g_free (t);
  return sample;
}

/* A producer pushing numbered buffers from a thread of its own: @count of
 * them, or until stopped; it stops at the first result other than OK. */
typedef struct
{
  GstHarness *h;                /* pushes through the harness, or */
  GstPad *srcpad;               /* through this pad */
  guint64 first_offset;
  guint count;
  gulong sleep_us;
  gint stop;
  gint completed;               /* pushes that returned */
  gint last_ret;                /* GstFlowReturn of the last push */
  GThread *thread;
} PushThread;

static gpointer
push_thread_func (gpointer data)
{
  PushThread *t = data;
  guint i;

  for (i = 0; i < t->count && !g_atomic_int_get (&t->stop); i++) {
    GstFlowReturn ret = t->h ? push (t->h, t->first_offset + i) :
        gst_pad_push (t->srcpad, make_buffer (t->first_offset + i));

    g_atomic_int_set (&t->last_ret, ret);
    g_atomic_int_inc (&t->completed);
    if (ret != GST_FLOW_OK)
      break;
    if (t->sleep_us)
      g_usleep (t->sleep_us);
  }
  return NULL;
}

static PushThread *
push_thread_start_full (GstHarness * h, GstPad * srcpad,
    guint64 first_offset, guint count, gulong sleep_us)
{
  PushThread *t = g_new0 (PushThread, 1);

  t->h = h;
  t->srcpad = srcpad;
  t->first_offset = first_offset;
  t->count = count;
  t->sleep_us = sleep_us;
  t->last_ret = GST_FLOW_OK;
  t->thread = g_thread_new ("push", push_thread_func, t);
  return t;
}

static PushThread *
push_thread_start (GstHarness * h, guint64 first_offset, guint count,
    gulong sleep_us)
{
  return push_thread_start_full (h, NULL, first_offset, count, sleep_us);
}

/* A producer outside any harness, on a new sink_%u pad of @sink, with
 * stream-start, caps and segment sent. */
static GstPad *
manual_producer (GstElement * sink, const gchar * caps_str, GstPad ** sinkpad)
{
  GstPad *srcpad = gst_pad_new ("manual-src", GST_PAD_SRC);
  GstCaps *caps = gst_caps_from_string (caps_str);
  GstSegment segment;

  *sinkpad = gst_element_request_pad_simple (sink, "sink_%u");
  fail_unless (*sinkpad != NULL);
  fail_unless (gst_pad_set_active (srcpad, TRUE));
  fail_unless_equals_int (gst_pad_link (srcpad, *sinkpad), GST_PAD_LINK_OK);
  fail_unless (gst_pad_push_event (srcpad,
          gst_event_new_stream_start ("manual")));
  fail_unless (gst_pad_push_event (srcpad, gst_event_new_caps (caps)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_pad_push_event (srcpad, gst_event_new_segment (&segment)));
  gst_caps_unref (caps);
  return srcpad;
}

/* Returns the last flow return. */
static GstFlowReturn
push_thread_join (PushThread * t)
{
  GstFlowReturn ret;

  g_atomic_int_set (&t->stop, 1);
  g_thread_join (t->thread);
  ret = t->last_ret;
  g_free (t);
  return ret;
}

/* ---------------------------------------------------------------------- */
/* active pad                                                             */

GST_START_TEST (test_auto_select_first_linked_pad)
{
  GstElement *sink = make_sink ();
  GstHarness *h1, *h2;
  GstSegment segment;
  GstSample *sample;
  gint notifies = 0;
  guint i;

  g_signal_connect (sink, "notify::active-pad", G_CALLBACK (count_cb),
      &notifies);
  fail_unless (get_bool (sink, "auto-select"));
  fail_unless (active_pad (sink) == NULL);

  h1 = add_producer (sink, CAPS_A);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 1);
  fail_unless (active_pad (sink) == producer_pad (h1));

  /* a second linked pad does not take over */
  h2 = add_producer (sink, CAPS_B);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 1);
  fail_unless (active_pad (sink) == producer_pad (h1));

  /* a segment of its own, so we see the sample carries the pad's */
  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.base = 7 * GST_SECOND;
  segment.rate = 2.0;
  fail_unless (gst_harness_push_event (h1, gst_event_new_segment (&segment)));

  for (i = 0; i < 5; i++) {
    fail_unless_equals_int (push (h1, i), GST_FLOW_OK);
    /* the inactive producer never stalls and its data goes nowhere */
    fail_unless_equals_int (push (h2, 100 + i), GST_FLOW_OK);
  }

  for (i = 0; i < 5; i++) {
    sample = sink_get (sink, 0);
    fail_unless (sample != NULL, "sample %u missing", i);
    fail_unless (gst_sample_get_segment (sample) != NULL);
    fail_unless (gst_segment_is_equal (gst_sample_get_segment (sample),
            &segment), "sample %u does not carry the pad's segment", i);
    if (i == 0) {
      /* the first one may or may not be DISCONT: start of the stream */
      fail_unless_equals_uint64 (sample_offset (sample), 0);
      assert_caps (gst_sample_get_caps (sample), CAPS_A);
      gst_sample_unref (sample);
    } else {
      check_sample (sample, i, CAPS_A, FALSE);
    }
  }
  fail_unless (sink_get (sink, 0) == NULL, "data of the inactive pad leaked");
  fail_unless_equals_uint64 (get_dropped (sink), 0);

  gst_harness_teardown (h2);
  gst_harness_teardown (h1);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_auto_select_off)
{
  GstElement *sink = make_sink ();
  GstHarness *h;

  g_object_set (sink, "auto-select", FALSE, NULL);
  h = add_producer (sink, CAPS_A);
  fail_unless (active_pad (sink) == NULL);
  fail_unless_equals_int (push (h, 0), GST_FLOW_OK);
  fail_unless (sink_get (sink, 0) == NULL);

  g_object_set (sink, "active-pad", producer_pad (h), NULL);
  fail_unless_equals_int (push (h, 1), GST_FLOW_OK);
  check_sample (sink_get (sink, 0), 1, CAPS_A, TRUE);

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_switch_active_pad)
{
  GstElement *sink = make_sink ();
  GstHarness *h1, *h2;
  GstSegment segment_b;
  GstSample *sample;
  gint notifies = 0;

  h1 = add_producer (sink, CAPS_A);
  h2 = add_producer (sink, CAPS_B);
  gst_segment_init (&segment_b, GST_FORMAT_TIME);
  segment_b.base = 3 * GST_SECOND;
  fail_unless (gst_harness_push_event (h2, gst_event_new_segment (&segment_b)));
  g_signal_connect (sink, "notify::active-pad", G_CALLBACK (count_cb),
      &notifies);

  fail_unless_equals_int (push (h1, 0), GST_FLOW_OK);
  fail_unless_equals_int (push (h1, 1), GST_FLOW_OK);
  fail_unless_equals_int (push (h2, 10), GST_FLOW_OK);

  g_object_set (sink, "active-pad", producer_pad (h2), NULL);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 1);
  fail_unless (active_pad (sink) == producer_pad (h2));

  /* the old subscription's data is now dropped, without error */
  fail_unless_equals_int (push (h1, 2), GST_FLOW_OK);
  fail_unless_equals_int (push (h2, 11), GST_FLOW_OK);
  fail_unless_equals_int (push (h1, 3), GST_FLOW_OK);
  fail_unless_equals_int (push (h2, 12), GST_FLOW_OK);

  sample = sink_get (sink, 0);
  fail_unless (sample != NULL);
  fail_unless_equals_uint64 (sample_offset (sample), 0);
  gst_sample_unref (sample);
  check_sample (sink_get (sink, 0), 1, CAPS_A, FALSE);

  /* first of the new subscription: DISCONT, with the new pad's caps and
   * segment */
  sample = sink_get (sink, 0);
  fail_unless (sample != NULL);
  fail_unless (gst_segment_is_equal (gst_sample_get_segment (sample),
          &segment_b));
  check_sample (sample, 11, CAPS_B, TRUE);
  check_sample (sink_get (sink, 0), 12, CAPS_B, FALSE);
  fail_unless (sink_get (sink, 0) == NULL);

  /* setting the same pad again is no switch: no new DISCONT */
  g_object_set (sink, "active-pad", producer_pad (h2), NULL);
  fail_unless_equals_int (push (h2, 13), GST_FLOW_OK);
  check_sample (sink_get (sink, 0), 13, CAPS_B, FALSE);

  /* and back */
  g_atomic_int_set (&notifies, 0);
  g_object_set (sink, "active-pad", producer_pad (h1), NULL);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 1);
  fail_unless_equals_int (push (h2, 14), GST_FLOW_OK);
  fail_unless_equals_int (push (h1, 4), GST_FLOW_OK);
  check_sample (sink_get (sink, 0), 4, CAPS_A, TRUE);
  fail_unless (sink_get (sink, 0) == NULL);

  /* stopSubscription() */
  g_object_set (sink, "active-pad", NULL, NULL);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 2);
  fail_unless_equals_int (push (h1, 5), GST_FLOW_OK);
  fail_unless (sink_get (sink, 0) == NULL);

  gst_harness_teardown (h2);
  gst_harness_teardown (h1);
  gst_object_unref (sink);
}

GST_END_TEST;

/* Both producers push continuously from their own threads while the
 * application switches: each subscription's data arrives complete and in
 * order, the first buffer after the switch is DISCONT with the new caps,
 * and the old producer is cut off (at most one buffer in flight). */
GST_START_TEST (test_switch_while_flowing)
{
  GstElement *sink = make_sink ();
  GstHarness *h1, *h2;
  PushThread *p1, *p2;
  GstSample *sample;
  guint64 next_a = 0, next_b = 0, a_pushed;
  guint n_a = 0, n_b = 0;

  g_object_set (sink, "max-buffers", 0, NULL);
  h1 = add_producer (sink, CAPS_A);
  h2 = add_producer (sink, CAPS_B);

  p1 = push_thread_start (h1, 0, G_MAXUINT, 100);
  p2 = push_thread_start (h2, 1000000, G_MAXUINT, 100);

  while (n_a < 20) {
    sample = sink_get (sink, 5 * GST_SECOND);
    fail_unless (sample != NULL, "producer a stalled");
    assert_caps (gst_sample_get_caps (sample), CAPS_A);
    if (n_a > 0) {
      fail_unless_equals_uint64 (sample_offset (sample), next_a);
      fail_if (sample_is_discont (sample));
    }
    next_a = sample_offset (sample) + 1;
    n_a++;
    gst_sample_unref (sample);
  }

  g_object_set (sink, "active-pad", producer_pad (h2), NULL);
  /* pushes of a that returned by now; one more may be in flight */
  a_pushed = g_atomic_int_get (&p1->completed);

  while (n_b < 20) {
    sample = sink_get (sink, 5 * GST_SECOND);
    fail_unless (sample != NULL, "producer b never arrived");
    if (sample_offset (sample) < 1000000) {
      /* queued before the switch, or the one in flight during it */
      fail_unless_equals_uint64 (sample_offset (sample), next_a);
      fail_unless (sample_offset (sample) <= a_pushed,
          "buffer %" G_GUINT64_FORMAT " of the old pad consumed after the "
          "switch (%" G_GUINT64_FORMAT " pushed before)",
          sample_offset (sample), a_pushed);
      next_a++;
    } else {
      assert_caps (gst_sample_get_caps (sample), CAPS_B);
      if (n_b == 0) {
        fail_unless (sample_is_discont (sample),
            "first buffer after the switch is not DISCONT");
      } else {
        fail_unless_equals_uint64 (sample_offset (sample), next_b);
        fail_if (sample_is_discont (sample));
      }
      next_b = sample_offset (sample) + 1;
      n_b++;
    }
    gst_sample_unref (sample);
  }
  fail_unless_equals_int (push_thread_join (p1), GST_FLOW_OK);
  fail_unless_equals_int (push_thread_join (p2), GST_FLOW_OK);
  fail_unless_equals_uint64 (get_dropped (sink), 0);

  gst_harness_teardown (h2);
  gst_harness_teardown (h1);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_waiting_get_served_after_switch)
{
  GstElement *sink = make_sink ();
  GstHarness *h1, *h2;
  GetThread *t;

  h1 = add_producer (sink, CAPS_A);
  h2 = add_producer (sink, CAPS_B);
  fail_unless (active_pad (sink) == producer_pad (h1));

  t = get_thread_start (sink, GST_CLOCK_TIME_NONE);
  get_thread_wait_blocked (t);
  fail_if (get_thread_wait (t, 0), "get returned with no data");

  g_object_set (sink, "active-pad", producer_pad (h2), NULL);
  fail_if (get_thread_wait (t, 20 * 1000), "get returned on a bare switch");

  fail_unless_equals_int (push (h1, 1), GST_FLOW_OK);
  fail_unless_equals_int (push (h2, 7), GST_FLOW_OK);
  fail_unless (get_thread_wait (t, WAIT_US),
      "the waiting get was not served by the new subscription");
  check_sample (get_thread_join (t), 7, CAPS_B, TRUE);

  gst_harness_teardown (h2);
  gst_harness_teardown (h1);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_release_active_pad_auto_selects_next)
{
  GstElement *sink = make_sink ();
  GstHarness *h1, *h2, *h3;
  GstPad *pad2;
  gint notifies = 0;

  h1 = add_producer (sink, CAPS_A);
  h2 = add_producer (sink, CAPS_B);
  pad2 = producer_pad (h2);
  g_signal_connect (sink, "notify::active-pad", G_CALLBACK (count_cb),
      &notifies);
  fail_unless_equals_int (push (h1, 0), GST_FLOW_OK);
  drop_sample (sink_get (sink, 0));

  /* releases h1's request pad */
  gst_harness_teardown (h1);
  fail_unless (active_pad (sink) == pad2);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 1);
  fail_unless_equals_int (push (h2, 5), GST_FLOW_OK);
  check_sample (sink_get (sink, 0), 5, CAPS_B, TRUE);

  /* once the application chose, a released pad is not replaced */
  h3 = add_producer (sink, CAPS_A);
  g_object_set (sink, "active-pad", producer_pad (h3), NULL);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 2);
  gst_harness_teardown (h3);
  fail_unless (active_pad (sink) == NULL);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 3);
  fail_unless_equals_int (push (h2, 6), GST_FLOW_OK);
  fail_unless (sink_get (sink, 0) == NULL);

  gst_harness_teardown (h2);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_active_pad_of_other_element_refused)
{
  GstElement *sink = make_sink ();
  GstElement *other = make_sink ();
  GstHarness *h1, *h2;

  h1 = add_producer (sink, CAPS_A);
  h2 = add_producer (other, CAPS_B);
  g_object_set (sink, "active-pad", producer_pad (h2), NULL);
  fail_unless (active_pad (sink) == producer_pad (h1));
  fail_unless_equals_int (push (h1, 0), GST_FLOW_OK);
  drop_sample (sink_get (sink, 0));

  gst_harness_teardown (h2);
  gst_harness_teardown (h1);
  gst_object_unref (other);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_request_pad_names)
{
  GstElement *sink = make_sink ();
  GstPad *p7, *p8;

  p7 = gst_element_request_pad_simple (sink, "sink_7");
  fail_unless (p7 != NULL);
  fail_unless_equals_string (GST_PAD_NAME (p7), "sink_7");
  p8 = gst_element_request_pad_simple (sink, "sink_%u");
  fail_unless (p8 != NULL);
  fail_unless_equals_string (GST_PAD_NAME (p8), "sink_8");

  gst_element_release_request_pad (sink, p8);
  gst_element_release_request_pad (sink, p7);
  gst_object_unref (p8);
  gst_object_unref (p7);
  fail_unless_equals_int (sink->numsinkpads, 0);
  gst_object_unref (sink);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* direct put                                                             */

GST_START_TEST (test_put_deselects_active_pad)
{
  static const guint8 bytes[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
  static const gchar text[] = "h\xc3\xa9llo, w\xc3\xb6rld";
  static const gchar json[] = "{\"a\": [1, 2.5, \"x\"], \"b\": null}";
  GstElement *sink = make_sink ();
  GstHarness *h1, *h2;
  GstSample *sample;
  gint notifies = 0;

  h1 = add_producer (sink, CAPS_A);
  g_signal_connect (sink, "notify::active-pad", G_CALLBACK (count_cb),
      &notifies);
  fail_unless_equals_int (push (h1, 0), GST_FLOW_OK);

  fail_unless_equals_int (sink_put_bytes (sink, bytes, sizeof (bytes)),
      GST_FLOW_OK);
  fail_unless (active_pad (sink) == NULL);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 1);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-string", text),
      GST_FLOW_OK);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", json),
      GST_FLOW_OK);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 1);

  /* the previously active pad is now ignored */
  fail_unless_equals_int (push (h1, 1), GST_FLOW_OK);

  sample = sink_get (sink, 0);
  fail_unless (sample != NULL);
  fail_unless_equals_uint64 (sample_offset (sample), 0);
  gst_sample_unref (sample);
  check_put_sample (sink_get (sink, 0), CAPS_BYTES, bytes, sizeof (bytes));
  check_put_sample (sink_get (sink, 0), CAPS_TEXT, text, strlen (text));
  check_put_sample (sink_get (sink, 0), CAPS_JSON, json, strlen (json));
  fail_unless (sink_get (sink, 0) == NULL);

  /* auto-select does not take over again after a direct put */
  h2 = add_producer (sink, CAPS_B);
  fail_unless (active_pad (sink) == NULL);
  fail_unless_equals_int (g_atomic_int_get (&notifies), 1);
  fail_unless_equals_int (push (h2, 2), GST_FLOW_OK);
  fail_unless_equals_int (push (h1, 3), GST_FLOW_OK);
  fail_unless (sink_get (sink, 0) == NULL);

  gst_harness_teardown (h2);
  gst_harness_teardown (h1);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_put_without_pads)
{
  static const gchar json[] = "[true, false, {\"k\": \"v\"}]";
  GstElement *sink = make_sink ();

  /* works in NULL too: nothing streams, the app talks to itself */
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", json),
      GST_FLOW_OK);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-string", "x"),
      GST_FLOW_OK);
  check_put_sample (sink_get (sink, 0), CAPS_JSON, json, strlen (json));
  check_put_sample (sink_get (sink, 0), CAPS_TEXT, "x", 1);
  fail_unless (sink_get (sink, 0) == NULL);

  gst_object_unref (sink);
}

GST_END_TEST;

/* An empty string is valid UTF-8 and a valid message (RTCBot sends "" as
 * an empty text frame); an empty buffer is one too. */
GST_START_TEST (test_put_empty)
{
  GstElement *sink = make_sink ();
  GstBuffer *empty = gst_buffer_new ();
  GstFlowReturn ret = GST_FLOW_ERROR;

  g_signal_emit_by_name (sink, "put", empty, &ret);
  gst_buffer_unref (empty);
  fail_unless_equals_int (ret, GST_FLOW_OK);
  check_put_sample (sink_get (sink, 0), CAPS_BYTES, "", 0);

  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-string", ""),
      GST_FLOW_OK);
  check_put_sample (sink_get (sink, 0), CAPS_TEXT, "", 0);
  fail_unless (sink_get (sink, 0) == NULL);

  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_put_invalid)
{
  GstElement *sink = make_sink ();
  GstBus *bus = attach_bus (sink);
  GstHarness *h;
  GList *msgs;
  GstMessage *msg;
  GError *err = NULL;
  gchar *debug = NULL;
  gint notifies = 0;

  h = add_producer (sink, CAPS_A);
  free_messages (drain_bus (bus));
  g_signal_connect (sink, "notify::active-pad", G_CALLBACK (count_cb),
      &notifies);

  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json",
          "{\"a\": }"), GST_FLOW_ERROR);
  msgs = drain_bus (bus);
  fail_unless_equals_int (count_type (msgs, GST_MESSAGE_WARNING), 1);
  msg = find_type (msgs, GST_MESSAGE_WARNING);
  gst_message_parse_warning (msg, &err, &debug);
  fail_unless (err != NULL);
  fail_unless (strstr (err->message, "line 1, column") != NULL,
      "warning does not name the parse position: %s", err->message);
  g_clear_error (&err);
  g_free (debug);
  free_messages (msgs);

  /* nothing queued, and the subscription is kept */
  fail_unless (sink_get (sink, 0) == NULL);
  fail_unless (active_pad (sink) == producer_pad (h));
  fail_unless_equals_int (g_atomic_int_get (&notifies), 0);

  /* the position is that of the error, also on a later line */
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json",
          "{\n  \"a\": x}"), GST_FLOW_ERROR);
  msgs = drain_bus (bus);
  msg = find_type (msgs, GST_MESSAGE_WARNING);
  fail_unless (msg != NULL);
  gst_message_parse_warning (msg, &err, NULL);
  fail_unless (strstr (err->message, "line 2, column") != NULL,
      "warning does not name the parse position: %s", err->message);
  g_clear_error (&err);
  free_messages (msgs);

  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", "{} {}"),
      GST_FLOW_ERROR);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", ""),
      GST_FLOW_ERROR);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", NULL),
      GST_FLOW_ERROR);

  /* invalid UTF-8 */
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-string",
          "ab\xff\xfe"), GST_FLOW_ERROR);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-string", "\xc3("),
      GST_FLOW_ERROR);
  msgs = drain_bus (bus);
  fail_unless (count_type (msgs, GST_MESSAGE_WARNING) >= 2);
  free_messages (msgs);

  fail_unless (sink_get (sink, 0) == NULL);
  fail_unless (active_pad (sink) == producer_pad (h));
  fail_unless_equals_int (g_atomic_int_get (&notifies), 0);

  /* still consuming */
  fail_unless_equals_int (push (h, 9), GST_FLOW_OK);
  drop_sample (sink_get (sink, 0));

  gst_harness_teardown (h);
  detach_bus (sink, bus);
  gst_object_unref (sink);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* get                                                                    */

GST_START_TEST (test_get_timeout)
{
  GstElement *sink = make_sink ();
  GstHarness *h = add_producer (sink, CAPS_A);
  gint64 start, elapsed;

  start = g_get_monotonic_time ();
  fail_unless (sink_get (sink, 0) == NULL);
  elapsed = g_get_monotonic_time () - start;
  fail_unless (elapsed < 200 * 1000, "get(0) took %" G_GINT64_FORMAT " us",
      elapsed);

  start = g_get_monotonic_time ();
  fail_unless (sink_get (sink, 20 * GST_MSECOND) == NULL);
  elapsed = g_get_monotonic_time () - start;
  fail_unless (elapsed >= 19 * 1000, "get(20 ms) returned after %"
      G_GINT64_FORMAT " us", elapsed);
  fail_unless (elapsed < 2 * G_USEC_PER_SEC, "get(20 ms) took %"
      G_GINT64_FORMAT " us", elapsed);

  /* with data, a timeout does not delay it */
  fail_unless_equals_int (push (h, 3), GST_FLOW_OK);
  start = g_get_monotonic_time ();
  check_sample (sink_get (sink, 10 * GST_SECOND), 3, CAPS_A, ANY_DISCONT);
  fail_unless (g_get_monotonic_time () - start < G_USEC_PER_SEC);

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* close and EOS                                                          */

GST_START_TEST (test_eos_on_active_pad)
{
  GstElement *sink = make_sink ();
  GstBus *bus = attach_bus (sink);
  GstHarness *h1, *h2;
  GstEvent *eos;
  guint32 seqnum;
  GList *msgs;
  GstMessage *msg;
  const gchar *reason;
  gint64 start;

  h1 = add_producer (sink, CAPS_A);
  h2 = add_producer (sink, CAPS_B);
  fail_unless (get_bool (sink, "ready"));
  free_messages (drain_bus (bus));

  fail_unless_equals_int (push (h1, 0), GST_FLOW_OK);
  fail_unless_equals_int (push (h1, 1), GST_FLOW_OK);

  /* EOS of a producer that is not the subscription means nothing */
  fail_unless (gst_harness_push_event (h2, gst_event_new_eos ()));
  msgs = drain_bus (bus);
  fail_unless_equals_int (g_list_length (msgs), 0);
  free_messages (msgs);
  fail_if (get_bool (sink, "closed"));
  fail_unless (get_bool (sink, "ready"));

  eos = gst_event_new_eos ();
  seqnum = gst_event_get_seqnum (eos);
  fail_unless (gst_harness_push_event (h1, eos));

  msgs = drain_bus (bus);
  fail_unless_equals_int (count_type (msgs, GST_MESSAGE_EOS), 1);
  msg = find_type (msgs, GST_MESSAGE_EOS);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (sink));
  fail_unless_equals_int (gst_message_get_seqnum (msg), seqnum);
  fail_unless_equals_int (count_named (msgs, "rtcbot-closed"), 1);
  msg = find_named (msgs, "rtcbot-closed");
  reason = gst_structure_get_string (gst_message_get_structure (msg), "reason");
  fail_unless (reason != NULL && reason[0] != '\0',
      "rtcbot-closed without a reason");
  msg = find_named (msgs, "rtcbot-ready");
  fail_unless (msg != NULL, "no rtcbot-ready when closing");
  {
    gboolean ready = TRUE;

    fail_unless (gst_structure_get_boolean (gst_message_get_structure (msg),
            "ready", &ready));
    fail_if (ready);
  }
  free_messages (msgs);
  fail_unless (get_bool (sink, "closed"));
  fail_if (get_bool (sink, "ready"));

  /* what was queued is still delivered, then get returns at once */
  drop_sample (sink_get (sink, 0));
  check_sample (sink_get (sink, 0), 1, CAPS_A, FALSE);
  start = g_get_monotonic_time ();
  fail_unless (sink_get (sink, 5 * GST_SECOND) == NULL);
  fail_unless (sink_get (sink, GST_CLOCK_TIME_NONE) == NULL);
  fail_unless (g_get_monotonic_time () - start < G_USEC_PER_SEC,
      "get waited although the element is closed");

  gst_harness_teardown (h2);
  gst_harness_teardown (h1);
  detach_bus (sink, bus);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_close_action)
{
  static const guint8 bytes[] = { 1, 2, 3 };
  GstElement *sink = make_sink ();
  GstBus *bus = attach_bus (sink);
  GstHarness *h;
  GetThread *t;
  GList *msgs;
  gint closed_notifies = 0;

  h = add_producer (sink, CAPS_A);
  g_signal_connect (sink, "notify::closed", G_CALLBACK (count_cb),
      &closed_notifies);
  free_messages (drain_bus (bus));
  fail_unless_equals_int (push (h, 0), GST_FLOW_OK);
  drop_sample (sink_get (sink, 0));
  fail_unless_equals_int (push (h, 1), GST_FLOW_OK);

  /* a get waiting for ever: it gets the queued message first */
  check_sample (sink_get (sink, 0), 1, CAPS_A, FALSE);
  t = get_thread_start (sink, GST_CLOCK_TIME_NONE);
  get_thread_wait_blocked (t);
  fail_if (get_thread_wait (t, 0));

  g_signal_emit_by_name (sink, "close");
  g_signal_emit_by_name (sink, "close");

  fail_unless (get_thread_wait (t, WAIT_US), "close did not wake get");
  fail_unless (get_thread_join (t) == NULL);

  msgs = drain_bus (bus);
  fail_unless_equals_int (count_named (msgs, "rtcbot-closed"), 1);
  fail_unless_equals_int (count_type (msgs, GST_MESSAGE_EOS), 1);
  free_messages (msgs);
  fail_unless (get_bool (sink, "closed"));
  fail_unless_equals_int (g_atomic_int_get (&closed_notifies), 1);

  /* the active producer is told to stop */
  fail_unless_equals_int (push (h, 2), GST_FLOW_EOS);
  fail_unless_equals_int (sink_put_bytes (sink, bytes, sizeof (bytes)),
      GST_FLOW_EOS);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-string", "x"),
      GST_FLOW_EOS);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", "1"),
      GST_FLOW_EOS);
  fail_unless (sink_get (sink, 0) == NULL);

  g_signal_emit_by_name (sink, "close");
  msgs = drain_bus (bus);
  fail_unless_equals_int (count_named (msgs, "rtcbot-closed"), 0);
  fail_unless_equals_int (count_type (msgs, GST_MESSAGE_EOS), 0);
  free_messages (msgs);

  /* back to READY reopens it */
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  fail_if (get_bool (sink, "closed"));
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PLAYING),
      GST_STATE_CHANGE_SUCCESS);
  /* (test_put_refused_keeps_active_pad checks whether the refused puts
   * above kept it selected) */
  g_object_set (sink, "active-pad", producer_pad (h), NULL);
  resend_sticky (h, CAPS_A);
  fail_unless_equals_int (push (h, 3), GST_FLOW_OK);
  drop_sample (sink_get (sink, 0));

  gst_harness_teardown (h);
  detach_bus (sink, bus);
  gst_object_unref (sink);
}

GST_END_TEST;

/* A put refused because the element is closed has no effect, as a
 * refused put-json has none: the subscription stays selected and is
 * consumed again once the element is reopened. */
GST_START_TEST (test_put_refused_keeps_active_pad)
{
  static const guint8 bytes[] = { 1, 2, 3 };
  GstElement *sink = make_sink ();
  GstHarness *h = add_producer (sink, CAPS_A);
  gint notifies = 0;

  g_signal_connect (sink, "notify::active-pad", G_CALLBACK (count_cb),
      &notifies);
  g_signal_emit_by_name (sink, "close");
  fail_unless_equals_int (sink_put_bytes (sink, bytes, sizeof (bytes)),
      GST_FLOW_EOS);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", "1"),
      GST_FLOW_EOS);
  fail_unless (active_pad (sink) == producer_pad (h),
      "a put refused with EOS deselected the active pad");
  fail_unless_equals_int (g_atomic_int_get (&notifies), 0);

  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PLAYING),
      GST_STATE_CHANGE_SUCCESS);
  resend_sticky (h, CAPS_A);
  fail_unless_equals_int (push (h, 1), GST_FLOW_OK);
  check_sample (sink_get (sink, 0), 1, CAPS_A, ANY_DISCONT);

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* ready, new-data                                                        */

static gboolean
ready_message_value (GstMessage * msg)
{
  gboolean ready = FALSE;

  fail_unless (gst_structure_get_boolean (gst_message_get_structure (msg),
          "ready", &ready), "rtcbot-ready without a boolean 'ready'");
  return ready;
}

GST_START_TEST (test_ready)
{
  GstElement *sink = make_sink ();
  GstBus *bus = attach_bus (sink);
  GstHarness *h;
  GList *msgs;
  gint notifies = 0;

  g_signal_connect (sink, "notify::ready", G_CALLBACK (count_cb), &notifies);
  fail_if (get_bool (sink, "ready"));
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PAUSED),
      GST_STATE_CHANGE_SUCCESS);
  fail_if (get_bool (sink, "ready"));
  msgs = drain_bus (bus);
  fail_unless_equals_int (count_named (msgs, "rtcbot-ready"), 0);
  free_messages (msgs);

  /* the harness takes it to PLAYING */
  h = add_producer (sink, CAPS_A);
  fail_unless (get_bool (sink, "ready"));
  fail_unless_equals_int (g_atomic_int_get (&notifies), 1);
  msgs = drain_bus (bus);
  fail_unless_equals_int (count_named (msgs, "rtcbot-ready"), 1);
  fail_unless (ready_message_value (find_named (msgs, "rtcbot-ready")));
  free_messages (msgs);

  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PAUSED),
      GST_STATE_CHANGE_SUCCESS);
  fail_if (get_bool (sink, "ready"));
  fail_unless_equals_int (g_atomic_int_get (&notifies), 2);
  msgs = drain_bus (bus);
  fail_unless_equals_int (count_named (msgs, "rtcbot-ready"), 1);
  fail_if (ready_message_value (find_named (msgs, "rtcbot-ready")));
  free_messages (msgs);

  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PLAYING),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless (get_bool (sink, "ready"));
  msgs = drain_bus (bus);
  fail_unless_equals_int (count_named (msgs, "rtcbot-ready"), 1);
  fail_unless (ready_message_value (find_named (msgs, "rtcbot-ready")));
  free_messages (msgs);

  gst_harness_teardown (h);
  fail_if (get_bool (sink, "ready"));
  detach_bus (sink, bus);
  gst_object_unref (sink);
}

GST_END_TEST;

typedef struct
{
  gint count;
  GstFlowReturn ret;
} NewData;

static GstFlowReturn
on_new_data (GstElement * sink, gpointer user_data)
{
  NewData *nd = user_data;

  g_atomic_int_inc (&nd->count);
  return nd->ret;
}

GST_START_TEST (test_emit_signals)
{
  GstElement *sink = make_sink ();
  GstHarness *h;
  NewData nd = { 0, GST_FLOW_OK };
  guint i;

  fail_if (get_bool (sink, "emit-signals"));
  g_signal_connect (sink, "new-data", G_CALLBACK (on_new_data), &nd);
  h = add_producer (sink, CAPS_A);

  fail_unless_equals_int (push (h, 0), GST_FLOW_OK);
  fail_unless_equals_int (g_atomic_int_get (&nd.count), 0);

  g_object_set (sink, "emit-signals", TRUE, NULL);
  for (i = 1; i <= 3; i++)
    fail_unless_equals_int (push (h, i), GST_FLOW_OK);
  fail_unless_equals_int (g_atomic_int_get (&nd.count), 3);
  /* not for data of an inactive pad or refused messages */
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", "{"),
      GST_FLOW_ERROR);
  fail_unless_equals_int (g_atomic_int_get (&nd.count), 3);
  /* but for direct puts */
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", "{}"),
      GST_FLOW_OK);
  fail_unless_equals_int (g_atomic_int_get (&nd.count), 4);
  fail_unless_equals_int (push (h, 4), GST_FLOW_OK);
  fail_unless_equals_int (g_atomic_int_get (&nd.count), 4);

  /* every announced message can be pulled */
  for (i = 0; i < 5; i++) {
    GstSample *sample = sink_get (sink, 0);

    fail_unless (sample != NULL, "message %u missing", i);
    gst_sample_unref (sample);
  }
  fail_unless (sink_get (sink, 0) == NULL);

  g_object_set (sink, "emit-signals", FALSE, NULL);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", "{}"),
      GST_FLOW_OK);
  fail_unless_equals_int (g_atomic_int_get (&nd.count), 4);
  check_put_sample (sink_get (sink, 0), CAPS_JSON, "{}", 2);

  /* the handler's verdict goes back upstream */
  g_object_set (sink, "emit-signals", TRUE, "active-pad", producer_pad (h),
      NULL);
  nd.ret = GST_FLOW_ERROR;
  fail_unless_equals_int (push (h, 5), GST_FLOW_ERROR);
  fail_unless_equals_int (g_atomic_int_get (&nd.count), 5);

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* the application-side queue                                             */

GST_START_TEST (test_policy_fifo_overflow)
{
  GstElement *sink = make_sink ();
  GstBus *bus = attach_bus (sink);
  GstHarness *h;
  GList *msgs;
  guint i, warnings;
  gint64 start, seconds;

  g_object_set (sink, "max-buffers", 10, NULL);
  h = add_producer (sink, CAPS_A);
  free_messages (drain_bus (bus));

  start = g_get_monotonic_time ();
  for (i = 0; i < 100; i++)
    fail_unless_equals_int (push (h, i), GST_FLOW_OK);
  seconds = (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  fail_unless_equals_uint64 (get_dropped (sink), 90);

  /* one rate-limited warning, not one per drop (one more per second the
   * pushes took, on a very slow machine) */
  msgs = drain_bus (bus);
  warnings = count_type (msgs, GST_MESSAGE_WARNING);
  fail_unless (warnings >= 1 && warnings <= 1 + seconds,
      "%u warnings for 90 drops in %" G_GINT64_FORMAT " s", warnings, seconds);
  free_messages (msgs);

  for (i = 90; i < 100; i++)
    check_sample (sink_get (sink, 0), i, CAPS_A, i == 90);
  fail_unless (sink_get (sink, 0) == NULL);

  /* no new drop, no new gap */
  fail_unless_equals_int (push (h, 100), GST_FLOW_OK);
  check_sample (sink_get (sink, 0), 100, CAPS_A, FALSE);
  fail_unless_equals_uint64 (get_dropped (sink), 90);

  gst_harness_teardown (h);
  detach_bus (sink, bus);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_policy_fifo_unbounded)
{
  GstElement *sink = make_sink ();
  GstHarness *h;
  guint i;

  g_object_set (sink, "max-buffers", 0, NULL);
  h = add_producer (sink, CAPS_A);
  for (i = 0; i < 300; i++)
    fail_unless_equals_int (push (h, i), GST_FLOW_OK);
  for (i = 0; i < 300; i++) {
    GstSample *sample = sink_get (sink, 0);

    fail_unless (sample != NULL);
    fail_unless_equals_uint64 (sample_offset (sample), i);
    gst_sample_unref (sample);
  }
  fail_unless_equals_uint64 (get_dropped (sink), 0);

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_policy_latest)
{
  GstElement *sink = make_sink ();
  GstHarness *h;
  guint i;

  gst_util_set_object_arg (G_OBJECT (sink), "policy", "latest");
  h = add_producer (sink, CAPS_A);
  for (i = 0; i < 5; i++)
    fail_unless_equals_int (push (h, i), GST_FLOW_OK);
  {
    GstSample *sample = sink_get (sink, 0);

    fail_unless (sample != NULL);
    fail_unless_equals_uint64 (sample_offset (sample), 4);
    assert_caps (gst_sample_get_caps (sample), CAPS_A);
    gst_sample_unref (sample);
  }
  fail_unless (sink_get (sink, 0) == NULL);

  fail_unless_equals_int (push (h, 5), GST_FLOW_OK);
  fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", "6"),
      GST_FLOW_OK);
  check_put_sample (sink_get (sink, 0), CAPS_JSON, "6", 1);
  fail_unless (sink_get (sink, 0) == NULL);

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

GST_START_TEST (test_policy_block)
{
  GstElement *sink = make_sink ();
  GstHarness *h;
  PushThread *p;
  guint i;

  gst_util_set_object_arg (G_OBJECT (sink), "policy", "block");
  g_object_set (sink, "max-buffers", 2, NULL);
  h = add_producer (sink, CAPS_A);

  p = push_thread_start (h, 0, 6, 0);
  fail_unless (wait_for_int (&p->completed, 2, WAIT_US));
  g_usleep (100 * 1000);
  fail_unless_equals_int (g_atomic_int_get (&p->completed), 2);

  for (i = 0; i < 6; i++) {
    GstSample *sample = sink_get (sink, 5 * GST_SECOND);

    fail_unless (sample != NULL, "message %u never came", i);
    fail_unless_equals_uint64 (sample_offset (sample), i);
    fail_if (i > 0 && sample_is_discont (sample));
    gst_sample_unref (sample);
    /* the producer goes on only as far as there is room */
    if (i < 3) {
      fail_unless (wait_for_int (&p->completed, i + 3, WAIT_US));
      g_usleep (20 * 1000);
      fail_unless_equals_int (g_atomic_int_get (&p->completed), i + 3);
    }
  }
  fail_unless (wait_for_int (&p->completed, 6, WAIT_US));
  fail_unless_equals_int (push_thread_join (p), GST_FLOW_OK);
  fail_unless_equals_uint64 (get_dropped (sink), 0);
  fail_unless (sink_get (sink, 0) == NULL);

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

/* A producer blocked on a full `block` queue must not keep the element
 * from shutting down. */
GST_START_TEST (test_policy_block_shutdown)
{
  GstElement *sink = make_sink ();
  GstHarness *h;
  PushThread *p;

  gst_util_set_object_arg (G_OBJECT (sink), "policy", "block");
  g_object_set (sink, "max-buffers", 1, NULL);
  h = add_producer (sink, CAPS_A);

  p = push_thread_start (h, 0, 10, 0);
  fail_unless (wait_for_int (&p->completed, 1, WAIT_US));
  g_usleep (50 * 1000);
  fail_unless_equals_int (g_atomic_int_get (&p->completed), 1);

  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (push_thread_join (p), GST_FLOW_FLUSHING);

  /* and it runs again */
  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PLAYING),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless (sink_get (sink, 0) == NULL, "data survived the shutdown");
  resend_sticky (h, CAPS_A);
  fail_unless_equals_int (push (h, 50), GST_FLOW_OK);
  check_sample (sink_get (sink, 0), 50, CAPS_A, ANY_DISCONT);

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

/* A get waiting for ever returns NULL when the element shuts down (as
 * appsink's pull-sample does), every time. */
GST_START_TEST (test_shutdown_wakes_get)
{
  GstElement *sink = make_sink ();
  GstHarness *h = add_producer (sink, CAPS_A);
  guint i;

  for (i = 0; i < 10; i++) {
    GetThread *t = get_thread_start (sink, GST_CLOCK_TIME_NONE);
    gboolean woken = FALSE;
    guint attempt;

    get_thread_wait_blocked (t);
    fail_if (get_thread_wait (t, 0));
    /* a get that only starts after the shutdown waits for the next one,
     * so on a slow machine shut down again until it was caught */
    for (attempt = 0; attempt < 50 && !woken; attempt++) {
      fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_NULL),
          GST_STATE_CHANGE_SUCCESS);
      woken = get_thread_wait (t, 100 * 1000);
      fail_unless_equals_int (gst_element_set_state (sink,
              GST_STATE_PLAYING), GST_STATE_CHANGE_SUCCESS);
    }
    if (!woken) {
      /* release it so the test can end, then fail */
      fail_unless_equals_int (rtcbot_check_put_string (sink, "put-json", "0"),
          GST_FLOW_OK);
      fail_unless (get_thread_wait (t, WAIT_US));
      gst_sample_unref (get_thread_join (t));
      fail ("shutdown (round %u) did not wake a waiting get", i);
    }
    fail_unless (get_thread_join (t) == NULL);
  }

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

/* Switching away from, or releasing, the subscription whose producer
 * is blocked on a full `block` queue frees that producer. */
GST_START_TEST (test_policy_block_switch_and_release)
{
  GstElement *sink = make_sink ();
  GstHarness *h1, *h2;
  GstPad *srcpad, *sinkpad;
  PushThread *p;

  gst_util_set_object_arg (G_OBJECT (sink), "policy", "block");
  g_object_set (sink, "max-buffers", 1, NULL);
  h1 = add_producer (sink, CAPS_A);
  h2 = add_producer (sink, CAPS_B);

  p = push_thread_start (h1, 0, 10, 0);
  fail_unless (wait_for_int (&p->completed, 1, WAIT_US));
  g_usleep (50 * 1000);
  fail_unless_equals_int (g_atomic_int_get (&p->completed), 1);

  /* switching away wakes it: its data is no longer wanted */
  g_object_set (sink, "active-pad", producer_pad (h2), NULL);
  fail_unless (wait_for_int (&p->completed, 10, WAIT_US),
      "the producer of the old pad is still blocked");
  fail_unless_equals_int (push_thread_join (p), GST_FLOW_OK);

  /* a producer blocked on a pad that is released */
  srcpad = manual_producer (sink, CAPS_A, &sinkpad);
  g_object_set (sink, "active-pad", sinkpad, NULL);
  p = push_thread_start_full (NULL, srcpad, 100, 1, 0);
  g_usleep (50 * 1000);
  fail_unless_equals_int (g_atomic_int_get (&p->completed), 0);
  gst_element_release_request_pad (sink, sinkpad);
  fail_unless (wait_for_int (&p->completed, 1, WAIT_US),
      "the producer of the released pad is still blocked");
  push_thread_join (p);
  fail_unless (active_pad (sink) == NULL);
  gst_object_unref (sinkpad);
  gst_pad_set_active (srcpad, FALSE);
  gst_object_unref (srcpad);

  /* the queue still holds the first message, nothing else came in */
  check_sample (sink_get (sink, 0), 0, CAPS_A, ANY_DISCONT);
  fail_unless (sink_get (sink, 0) == NULL);

  gst_harness_teardown (h1);
  gst_harness_teardown (h2);
  gst_object_unref (sink);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* flushing                                                               */

GST_START_TEST (test_flush_active_pad)
{
  GstElement *sink = make_sink ();
  GstHarness *h = add_producer (sink, CAPS_A);
  GetThread *t;

  fail_unless_equals_int (push (h, 0), GST_FLOW_OK);
  t = get_thread_start (sink, GST_CLOCK_TIME_NONE);
  fail_unless (get_thread_wait (t, WAIT_US));
  gst_sample_unref (get_thread_join (t));

  t = get_thread_start (sink, GST_CLOCK_TIME_NONE);
  get_thread_wait_blocked (t);
  fail_if (get_thread_wait (t, 0));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (get_thread_wait (t, WAIT_US), "flush did not wake get");
  fail_unless (get_thread_join (t) == NULL);

  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_harness_set_src_caps_str (h, CAPS_A);
  fail_unless_equals_int (push (h, 1), GST_FLOW_OK);
  check_sample (sink_get (sink, 0), 1, CAPS_A, FALSE);

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

/* A flush that starts on one pad and ends after the application switched
 * to another must not leave the element flushing: the new producer's data
 * is consumed and its pushes return OK. */
GST_START_TEST (test_flush_across_switch)
{
  GstElement *sink = make_sink ();
  GstHarness *h1, *h2;

  h1 = add_producer (sink, CAPS_A);
  h2 = add_producer (sink, CAPS_B);

  fail_unless (gst_harness_push_event (h1, gst_event_new_flush_start ()));
  g_object_set (sink, "active-pad", producer_pad (h2), NULL);
  fail_unless (gst_harness_push_event (h1, gst_event_new_flush_stop (TRUE)));

  fail_unless_equals_int (push (h2, 0), GST_FLOW_OK);
  check_sample (sink_get (sink, 0), 0, CAPS_B, TRUE);

  gst_harness_teardown (h2);
  gst_harness_teardown (h1);
  gst_object_unref (sink);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* robustness                                                             */

GST_START_TEST (test_state_cycles)
{
  GstElement *sink = make_sink ();
  GstHarness *h = add_producer (sink, CAPS_A);
  guint i;

  for (i = 0; i < 100; i++) {
    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_NULL),
        GST_STATE_CHANGE_SUCCESS);
    fail_if (get_bool (sink, "ready"));
    fail_unless_equals_int (push (h, 1000 + i), GST_FLOW_FLUSHING);
    fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PLAYING),
        GST_STATE_CHANGE_SUCCESS);
    fail_unless (get_bool (sink, "ready"));
    fail_if (get_bool (sink, "closed"));
    fail_unless (active_pad (sink) == producer_pad (h));

    /* deactivation dropped the pad's sticky events: send them again */
    resend_sticky (h, CAPS_A);
    fail_unless_equals_int (push (h, i), GST_FLOW_OK);
    check_sample (sink_get (sink, 0), i, CAPS_A, i == 0 ? ANY_DISCONT : 0);
    fail_unless (sink_get (sink, 0) == NULL);

    if (i % 10 == 9) {
      g_signal_emit_by_name (sink, "close");
      fail_unless (get_bool (sink, "closed"));
      fail_unless_equals_int (push (h, 2000 + i), GST_FLOW_EOS);
    } else if (i % 10 == 5) {
      /* left with queued data */
      fail_unless_equals_int (push (h, 3000 + i), GST_FLOW_OK);
    }
  }

  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

static void
drain_cb (gpointer thread, gpointer data)
{
  GstSample *sample = sink_get (GST_ELEMENT (data), 0);

  if (sample)
    gst_sample_unref (sample);
}

GST_START_TEST (test_request_release_while_pushing)
{
  GstElement *sink = make_sink ();
  GstHarness *h = add_producer (sink, CAPS_A);
  GstPadTemplate *templ;
  GstHarnessThread *req, *pusher, *drainer;
  GstCaps *caps = gst_caps_from_string (CAPS_A);
  GstSegment segment;
  GstBuffer *buf = make_buffer (0);
  GstPad *pad = producer_pad (h);
  GstSample *sample;

  templ = gst_element_get_pad_template (sink, "sink_%u");
  fail_unless (templ != NULL);
  gst_segment_init (&segment, GST_FORMAT_TIME);

  req = gst_harness_stress_requestpad_start (h, templ, NULL, NULL, TRUE);
  pusher = gst_harness_stress_push_buffer_start (h, caps, &segment, buf);
  drainer = gst_harness_stress_custom_start (h, NULL, drain_cb, sink, 0);
  g_usleep (G_USEC_PER_SEC / 2);

  fail_unless (gst_harness_stress_thread_stop (req) > 0);
  fail_unless (gst_harness_stress_thread_stop (pusher) > 0);
  fail_unless (gst_harness_stress_thread_stop (drainer) > 0);

  /* the released pads were never linked: the subscription is untouched */
  fail_unless (active_pad (sink) == pad);
  fail_unless_equals_int (sink->numsinkpads, 1);
  drain_queue (sink);
  fail_unless_equals_int (push (h, 42), GST_FLOW_OK);
  sample = sink_get (sink, 0);
  fail_unless (sample != NULL);
  fail_unless_equals_uint64 (sample_offset (sample), 42);
  gst_sample_unref (sample);

  gst_buffer_unref (buf);
  gst_caps_unref (caps);
  gst_harness_teardown (h);
  gst_object_unref (sink);
}

GST_END_TEST;

/* Producers that link, push and go away concurrently, each becoming the
 * auto-selected subscription in turn: nothing crashes, leaks or locks up. */
typedef struct
{
  GstElement *sink;
  GstCaps *caps;
  gint *running;
  gint *finished;
  guint iterations;
  gint errors;
} Churn;

static gpointer
churn_func (gpointer data)
{
  Churn *c = data;
  GstSegment segment;

  gst_segment_init (&segment, GST_FORMAT_TIME);
  while (g_atomic_int_get (c->running)) {
    GstPad *sinkpad = gst_element_request_pad_simple (c->sink, "sink_%u");
    GstPad *srcpad = gst_pad_new ("src", GST_PAD_SRC);
    GstFlowReturn ret;

    if (sinkpad == NULL) {
      c->errors++;
      break;
    }
    gst_pad_set_active (srcpad, TRUE);
    if (gst_pad_link (srcpad, sinkpad) != GST_PAD_LINK_OK)
      c->errors++;
    gst_pad_push_event (srcpad, gst_event_new_stream_start ("churn"));
    gst_pad_push_event (srcpad, gst_event_new_caps (c->caps));
    gst_pad_push_event (srcpad, gst_event_new_segment (&segment));
    ret = gst_pad_push (srcpad, make_buffer (c->iterations));
    if (ret != GST_FLOW_OK && ret != GST_FLOW_FLUSHING)
      c->errors++;
    if (c->iterations % 2)
      gst_pad_unlink (srcpad, sinkpad);
    gst_element_release_request_pad (c->sink, sinkpad);
    gst_object_unref (sinkpad);
    gst_pad_set_active (srcpad, FALSE);
    gst_object_unref (srcpad);
    c->iterations++;
  }
  g_atomic_int_inc (c->finished);
  return NULL;
}

static gpointer
drain_func (gpointer data)
{
  Churn *c = data;

  while (g_atomic_int_get (c->running)) {
    GstSample *sample = sink_get (c->sink, GST_MSECOND);

    if (sample)
      gst_sample_unref (sample);
    c->iterations++;
  }
  g_atomic_int_inc (c->finished);
  return NULL;
}

GST_START_TEST (test_link_release_churn)
{
  GstElement *sink = make_sink ();
  GstCaps *caps = gst_caps_from_string (CAPS_A);
  Churn churn[4];
  GThread *threads[4];
  gint running = 1, finished = 0;
  guint i;

  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_PLAYING),
      GST_STATE_CHANGE_SUCCESS);

  for (i = 0; i < G_N_ELEMENTS (churn); i++) {
    churn[i].sink = sink;
    churn[i].caps = caps;
    churn[i].running = &running;
    churn[i].finished = &finished;
    churn[i].iterations = 0;
    churn[i].errors = 0;
    /* the last one is the application calling get */
    threads[i] = g_thread_new ("churn", i == G_N_ELEMENTS (churn) - 1 ?
        drain_func : churn_func, &churn[i]);
  }
  g_usleep (G_USEC_PER_SEC);
  g_atomic_int_set (&running, 0);
  fail_unless (wait_for_int (&finished, G_N_ELEMENTS (churn), WAIT_US),
      "request/link/release threads locked up");
  for (i = 0; i < G_N_ELEMENTS (churn); i++) {
    g_thread_join (threads[i]);
    fail_unless (churn[i].iterations > 0);
    fail_unless_equals_int (churn[i].errors, 0);
  }

  fail_unless_equals_int (sink->numsinkpads, 0);
  fail_unless (active_pad (sink) == NULL);

  fail_unless_equals_int (gst_element_set_state (sink, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_caps_unref (caps);
  gst_object_unref (sink);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* with rtcbotsrc                                                         */

GST_START_TEST (test_pipeline_with_rtcbotsrc)
{
  static const gchar json[] = "{\"hello\": \"world\", \"n\": [1, 2, 3]}";
  GstElement *pipeline, *src, *sink;
  GError *err = NULL;
  GstBus *bus;
  GstMessage *msg;
  GstSample *sample;
  GstFlowReturn ret = GST_FLOW_ERROR;
  GstStateChangeReturn sret;

  pipeline = gst_parse_launch ("rtcbotsrc name=src ! rtcbotsink name=sink",
      &err);
  fail_unless (pipeline != NULL, "%s", err ? err->message : "no pipeline");
  g_clear_error (&err);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));

  sret = gst_element_set_state (pipeline, GST_STATE_PLAYING);
  fail_unless (sret != GST_STATE_CHANGE_FAILURE);
  sret = gst_element_get_state (pipeline, NULL, NULL, 5 * GST_SECOND);
  fail_unless (sret == GST_STATE_CHANGE_SUCCESS
      || sret == GST_STATE_CHANGE_NO_PREROLL);
  fail_unless (active_pad (sink) != NULL);

  g_signal_emit_by_name (src, "put-json", json, &ret);
  fail_unless_equals_int (ret, GST_FLOW_OK);
  sample = sink_get (sink, 5 * GST_SECOND);
  check_put_sample (sample, CAPS_JSON, json, strlen (json));

  g_signal_emit_by_name (src, "close");
  msg = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no EOS on the pipeline bus after close");
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  fail_unless (get_bool (sink, "closed"));
  fail_unless (sink_get (sink, 0) == NULL);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (src);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
rtcbotsink_suite (void)
{
  Suite *s = suite_create ("rtcbotsink");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_auto_select_first_linked_pad);
  tcase_add_test (tc, test_auto_select_off);
  tcase_add_test (tc, test_switch_active_pad);
  tcase_add_test (tc, test_switch_while_flowing);
  tcase_add_test (tc, test_waiting_get_served_after_switch);
  tcase_add_test (tc, test_release_active_pad_auto_selects_next);
  tcase_add_test (tc, test_active_pad_of_other_element_refused);
  tcase_add_test (tc, test_request_pad_names);
  tcase_add_test (tc, test_put_deselects_active_pad);
  tcase_add_test (tc, test_put_without_pads);
  tcase_add_test (tc, test_put_invalid);
  tcase_add_test (tc, test_get_timeout);
  tcase_add_test (tc, test_eos_on_active_pad);
  tcase_add_test (tc, test_close_action);
  tcase_add_test (tc, test_put_refused_keeps_active_pad);
  tcase_add_test (tc, test_ready);
  tcase_add_test (tc, test_emit_signals);
  tcase_add_test (tc, test_policy_fifo_overflow);
  tcase_add_test (tc, test_policy_fifo_unbounded);
  tcase_add_test (tc, test_policy_latest);
  tcase_add_test (tc, test_policy_block);
  tcase_add_test (tc, test_policy_block_shutdown);
  tcase_add_test (tc, test_shutdown_wakes_get);
  tcase_add_test (tc, test_policy_block_switch_and_release);
  tcase_add_test (tc, test_flush_active_pad);
  tcase_add_test (tc, test_flush_across_switch);
  tcase_add_test (tc, test_state_cycles);
  tcase_add_test (tc, test_request_release_while_pushing);
  tcase_add_test (tc, test_pipeline_with_rtcbotsrc);
  /* last: when these fail without CK_FORK (valgrind), they leave threads
   * locked up or GObject's signal emission state broken behind them */
  tcase_add_test (tc, test_link_release_churn);
  tcase_add_test (tc, test_put_empty);

  return s;
}

GST_CHECK_MAIN (rtcbotsink);
