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


/* rtcbotsrc `source=` and rtcbotsink `sink=` with isolation none and
 * process: what crosses the process boundary, and what happens when the
 * child dies. The children run the gst-rtcbot-isolate of the build tree
 * (GST_RTCBOT_HELPER); under valgrind only this process is checked. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gst/check/gstcheck.h>
#include <gst/app/app.h>
#include <glib/gstdio.h>

#define HELPER_NAME "gst-rtcbot-isolate"
#define WAIT_TIMEOUT (30 * GST_SECOND)

/* Helpers */

/* The isolation helpers whose parent is @parent. */
static GArray *
helper_children (pid_t parent)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  GDir *dir = g_dir_open ("/proc", 0, NULL);
  const gchar *name;

  fail_unless (dir != NULL);
  while ((name = g_dir_read_name (dir))) {
    gchar *path, *stat = NULL, *cmdline = NULL;
    const gchar *p;
    pid_t pid = atoi (name), ppid;
    gchar state;

    if (pid <= 0)
      continue;
    path = g_strdup_printf ("/proc/%d/stat", pid);
    if (g_file_get_contents (path, &stat, NULL, NULL)
        && (p = strrchr (stat, ')')) && sscanf (p + 1, " %c %d", &state,
            &ppid) == 2 && ppid == parent && state != 'Z') {
      g_free (path);
      path = g_strdup_printf ("/proc/%d/cmdline", pid);
      if (g_file_get_contents (path, &cmdline, NULL, NULL)
          && strstr (cmdline, HELPER_NAME))
        g_array_append_val (pids, pid);
    }
    g_free (cmdline);
    g_free (stat);
    g_free (path);
  }
  g_dir_close (dir);
  return pids;
}

/* Every helper this process started is gone (and reaped). */
static void
assert_no_helper_child (void)
{
  GArray *left = helper_children (getpid ());

  fail_unless_equals_int (left->len, 0);
  g_array_unref (left);
}

/* The one helper child of this process, waiting for it to appear. */
static pid_t
wait_helper_child (pid_t parent, pid_t not)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline) {
    GArray *pids = helper_children (parent);
    pid_t pid = pids->len == 1 ? g_array_index (pids, pid_t, 0) : 0;

    g_array_unref (pids);
    if (pid > 0 && pid != not)
      return pid;
    g_usleep (10000);
  }
  return 0;
}

/* 'Z' for a zombie, 0 when the process is gone, its state otherwise. */
static gchar
process_state (pid_t pid)
{
  gchar *path = g_strdup_printf ("/proc/%d/stat", pid);
  gchar *stat = NULL, state = 0;
  const gchar *p;

  if (g_file_get_contents (path, &stat, NULL, NULL)
      && (p = strrchr (stat, ')')))
    sscanf (p + 1, " %c", &state);
  g_free (stat);
  g_free (path);
  return state;
}

static guint
count_fds (void)
{
  GDir *dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  fail_unless (dir != NULL);
  while (g_dir_read_name (dir))
    n++;
  g_dir_close (dir);
  return n;
}

/* Waits for one of @types on @bus; fails on an unexpected error. */
static GstMessage *
wait_message (GstBus * bus, GstMessageType types)
{
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, WAIT_TIMEOUT,
      types | GST_MESSAGE_ERROR);

  fail_unless (msg != NULL, "timed out waiting for a bus message");
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR && !(types &
          GST_MESSAGE_ERROR)) {
    GError *error = NULL;
    gchar *debug = NULL;

    gst_message_parse_error (msg, &error, &debug);
    fail ("unexpected error: %s (%s)", error->message, debug);
  }
  return msg;
}

static GstMessage *
wait_element_message (GstBus * bus, const gchar * name)
{
  for (;;) {
    GstMessage *msg = wait_message (bus, GST_MESSAGE_ELEMENT);

    if (gst_message_has_name (msg, name))
      return msg;
    gst_message_unref (msg);
  }
}

/* What a subscriber received of one frame. */
typedef struct
{
  gchar *caps;
  gchar *md5;
  GstClockTime pts, dts, duration;
  guint64 offset, offset_end;
  guint flags;
} Frame;

static void
frame_free (gpointer data)
{
  Frame *frame = data;

  g_free (frame->caps);
  g_free (frame->md5);
  g_free (frame);
}

static Frame *
frame_new (GstSample * sample)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  Frame *frame = g_new0 (Frame, 1);
  GstMapInfo map;

  frame->caps = gst_caps_to_string (gst_sample_get_caps (sample));
  fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
  frame->md5 = g_compute_checksum_for_data (G_CHECKSUM_MD5, map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  frame->pts = GST_BUFFER_PTS (buffer);
  frame->dts = GST_BUFFER_DTS (buffer);
  frame->duration = GST_BUFFER_DURATION (buffer);
  frame->offset = GST_BUFFER_OFFSET (buffer);
  frame->offset_end = GST_BUFFER_OFFSET_END (buffer);
  /* which memory holds the data is no property of the stream */
  frame->flags = GST_BUFFER_FLAGS (buffer) & ~GST_BUFFER_FLAG_TAG_MEMORY
      & ~((guint) GST_MINI_OBJECT_FLAG_LAST - 1);
  return frame;
}

/* Whether @data lies in a memfd mapping of the isolation channel. */
static gboolean
in_frame_memfd (gconstpointer data)
{
  gchar *maps = NULL, **lines;
  guintptr addr = GPOINTER_TO_SIZE (data);
  gboolean found = FALSE;
  guint i;

  fail_unless (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  for (i = 0; lines[i] && !found; i++) {
    guint64 start, end;

    if (sscanf (lines[i], "%" G_GINT64_MODIFIER "x-%" G_GINT64_MODIFIER "x",
            &start, &end) == 2 && addr >= start && addr < end)
      found = strstr (lines[i], "memfd:gst-rtcbot-frame") != NULL;
  }
  g_strfreev (lines);
  g_free (maps);
  return found;
}

static GstElement *
make_source_pipeline (const gchar * description, const gchar * isolation,
    const gchar * restart, GstElement ** psrc, GstElement * sink)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("rtcbotsrc", "src");
  GstPad *pad, *sinkpad;

  fail_unless (src != NULL, "rtcbotsrc not found: is GST_PLUGIN_PATH set?");
  g_object_set (src, "source", description, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "isolation", isolation);
  gst_util_set_object_arg (G_OBJECT (src), "restart", restart);
  gst_bin_add_many (GST_BIN (pipeline), src, sink, NULL);
  pad = gst_element_request_pad_simple (src, "src_%u");
  /* lossless, so both sides see every frame */
  gst_util_set_object_arg (G_OBJECT (pad), "policy", "block");
  sinkpad = gst_element_get_static_pad (sink, "sink");
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
  gst_object_unref (sinkpad);
  gst_object_unref (pad);
  if (psrc)
    *psrc = src;
  return pipeline;
}

typedef struct
{
  GPtrArray *frames;
  guint in_memfd;
  /* samples held until the end, with their frames' checksums */
  GPtrArray *kept;
  GPtrArray *kept_md5;
} Pull;

/* Frames are let go of as they arrive, as a subscriber does, but every
 * 15th is held to the end: fewer than the pool has slots, so the flow
 * goes on, and the slots of held frames must never be reused. */
static GstFlowReturn
pull_new_sample (GstAppSink * appsink, gpointer user_data)
{
  Pull *pull = user_data;
  GstSample *sample = gst_app_sink_pull_sample (appsink);
  GstBuffer *buffer;
  GstMapInfo map;
  Frame *frame;

  fail_unless (sample != NULL);
  buffer = gst_sample_get_buffer (sample);
  fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
  if (in_frame_memfd (map.data))
    pull->in_memfd++;
  gst_buffer_unmap (buffer, &map);
  frame = frame_new (sample);
  if (pull->frames->len % 15 == 0) {
    g_ptr_array_add (pull->kept, gst_sample_ref (sample));
    g_ptr_array_add (pull->kept_md5, g_strdup (frame->md5));
  }
  g_ptr_array_add (pull->frames, frame);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/* Every frame a subscriber of `source=@description` receives until the
 * description ends. */
static GPtrArray *
run_source (const gchar * description, const gchar * isolation,
    guint * in_memfd)
{
  GstElement *appsink = gst_element_factory_make ("appsink", NULL);
  GstAppSinkCallbacks callbacks = { NULL, NULL, pull_new_sample };
  GstElement *pipeline;
  Pull pull = { 0, };
  GstBus *bus;
  guint i;

  pull.frames = g_ptr_array_new_with_free_func (frame_free);
  pull.kept = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_sample_unref);
  pull.kept_md5 = g_ptr_array_new_with_free_func (g_free);
  g_object_set (appsink, "sync", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, &pull, NULL);
  pipeline = make_source_pipeline (description, isolation, "never", NULL,
      appsink);
  bus = gst_element_get_bus (pipeline);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  gst_message_unref (wait_message (bus, GST_MESSAGE_EOS));

  /* what was held is still what arrived */
  for (i = 0; i < pull.kept->len; i++) {
    GstSample *sample = g_ptr_array_index (pull.kept, i);
    Frame *frame = frame_new (sample);

    fail_unless_equals_string (frame->md5, g_ptr_array_index (pull.kept_md5,
            i));
    frame_free (frame);
  }
  *in_memfd = pull.in_memfd;

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_ptr_array_unref (pull.kept);
  g_ptr_array_unref (pull.kept_md5);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return pull.frames;
}

/* With @data FALSE, the payloads may differ (an encoder that adapts to
 * the time it is given), not the rest. */
static void
assert_same_frames (GPtrArray * a, GPtrArray * b, gboolean data)
{
  guint i;

  fail_unless_equals_int (a->len, b->len);
  for (i = 0; i < a->len; i++) {
    Frame *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

    fail_unless_equals_string (x->caps, y->caps);
    if (data)
      fail_unless_equals_string (x->md5, y->md5);
    fail_unless_equals_uint64 (x->pts, y->pts);
    fail_unless_equals_uint64 (x->dts, y->dts);
    fail_unless_equals_uint64 (x->duration, y->duration);
    fail_unless_equals_uint64 (x->offset, y->offset);
    fail_unless_equals_uint64 (x->offset_end, y->offset_end);
    fail_unless_equals_int (x->flags, y->flags);
  }
}

/* Tests */

#define RAW_320x240 "video/x-raw,format=I420,width=320,height=240," \
    "framerate=30/1"

/* 100 frames of a moving test pattern arrive bit-identical, with the
 * same caps, timestamps, offsets and flags, whether the description runs
 * here or in a child; from the child, frames are the memfd pages it
 * wrote (copies when downstream holds most of them), and one held by a
 * subscriber keeps its contents while the others' slots are reused. */
GST_START_TEST (test_source_frames_identical_across_processes)
{
  const gchar *description = "videotestsrc num-buffers=100 pattern=ball "
      "! " RAW_320x240;
  GPtrArray *here, *there;
  guint in_memfd_here, in_memfd_there, i;

  here = run_source (description, "none", &in_memfd_here);
  there = run_source (description, "process", &in_memfd_there);

  fail_unless_equals_int (here->len, 100);
  assert_same_frames (here, there, TRUE);
  for (i = 0; i < there->len; i++) {
    Frame *frame = g_ptr_array_index (there, i);

    fail_unless_equals_uint64 (frame->pts,
        gst_util_uint64_scale (i, GST_SECOND, 30));
    fail_unless_equals_uint64 (frame->offset, i);
  }
  /* the ball moves: a reused slot would show another frame */
  fail_unless (strcmp (((Frame *) g_ptr_array_index (there, 0))->md5,
          ((Frame *) g_ptr_array_index (there, 15))->md5) != 0);
  fail_unless_equals_int (in_memfd_here, 0);
  /* frames are copied out only while downstream holds on to most slots
   * (appsink keeps the last buffer list it got): the first ones never */
  fail_unless (in_memfd_there >= 12 && in_memfd_there <= 100, "%u in memfd",
      in_memfd_there);

  g_ptr_array_unref (here);
  g_ptr_array_unref (there);
}

GST_END_TEST;

/* A description whose caps change mid-stream (concat of two sizes): the
 * subscriber sees the change at the same frame on both sides. */
GST_START_TEST (test_source_caps_change_propagates)
{
  const gchar *description = "videotestsrc num-buffers=5 ! "
      "video/x-raw,format=I420,width=320,height=240 ! c.  "
      "videotestsrc num-buffers=5 pattern=ball ! "
      "video/x-raw,format=I420,width=160,height=120 ! c.  concat name=c";
  GPtrArray *here, *there;
  guint in_memfd, i;

  here = run_source (description, "none", &in_memfd);
  there = run_source (description, "process", &in_memfd);

  fail_unless_equals_int (there->len, 10);
  assert_same_frames (here, there, TRUE);
  for (i = 0; i < there->len; i++) {
    Frame *frame = g_ptr_array_index (there, i);

    fail_unless (strstr (frame->caps, i < 5 ? "width=(int)320" :
            "width=(int)160") != NULL, "frame %u has caps %s", i, frame->caps);
  }

  g_ptr_array_unref (here);
  g_ptr_array_unref (there);
}

GST_END_TEST;

/* Encoded frames (small: they travel inline) keep DELTA_UNIT and the
 * rest of their flags, their timestamps and offsets. */
GST_START_TEST (test_source_flags_and_timestamps_kept)
{
  const gchar *description = "videotestsrc num-buffers=30 pattern=ball ! "
      RAW_320x240 " ! vp8enc keyframe-max-dist=10 deadline=1";
  GPtrArray *here, *there;
  guint in_memfd, i, delta = 0, key = 0;
  GstElementFactory *vp8enc = gst_element_factory_find ("vp8enc");

  if (vp8enc == NULL) {
    GST_INFO ("vp8enc is missing, skipping");
    return;
  }
  gst_object_unref (vp8enc);

  here = run_source (description, "none", &in_memfd);
  there = run_source (description, "process", &in_memfd);

  fail_unless_equals_int (there->len, 30);
  /* vp8enc in realtime mode encodes by the clock: sizes and bits vary */
  assert_same_frames (here, there, FALSE);
  for (i = 0; i < there->len; i++) {
    Frame *frame = g_ptr_array_index (there, i);

    if (frame->flags & GST_BUFFER_FLAG_DELTA_UNIT)
      delta++;
    else
      key++;
    fail_unless (GST_CLOCK_TIME_IS_VALID (frame->pts));
  }
  fail_unless (delta > 0 && key >= 3, "%u delta, %u key frames", delta, key);

  g_ptr_array_unref (here);
  g_ptr_array_unref (there);
}

GST_END_TEST;

static void
count_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    gpointer data)
{
  g_atomic_int_inc ((gint *) data);
}

static gboolean
count_discont_buffer (GstBuffer ** buffer, guint idx, gpointer data)
{
  if (GST_BUFFER_FLAG_IS_SET (*buffer, GST_BUFFER_FLAG_DISCONT))
    g_atomic_int_inc ((gint *) data);
  return TRUE;
}

static GstPadProbeReturn
count_discont (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  GstBuffer *buffer;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    gst_buffer_list_foreach (GST_PAD_PROBE_INFO_BUFFER_LIST (info),
        count_discont_buffer, data);
  } else {
    buffer = GST_PAD_PROBE_INFO_BUFFER (info);
    count_discont_buffer (&buffer, 0, data);
  }
  return GST_PAD_PROBE_OK;
}

static GstElement *
make_counting_sink (gint * counter)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, "async", FALSE,
      NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (count_handoff), counter);
  return sink;
}

static void
wait_count (gint * counter, gint target)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_atomic_int_get (counter) < target) {
    fail_unless (g_get_monotonic_time () < deadline,
        "only %d buffers of %d arrived", g_atomic_int_get (counter), target);
    g_usleep (5000);
  }
}

/* Plays @pipeline until @frames arrived at the counting sink; the pid of
 * the helper child that produced them. */
static pid_t
play_until_child (GstElement * pipeline, gint * count, gint frames)
{
  pid_t child;

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  wait_count (count, frames);
  child = wait_helper_child (getpid (), 0);
  fail_unless (child > 0);
  return child;
}

#define LIVE_SOURCE "videotestsrc is-live=true ! " \
    "video/x-raw,format=I420,width=160,height=120,framerate=100/1"

/* SIGKILL of the child: a warning naming signal 9, the child is reaped,
 * a new one starts and data flows again to the same subscriber, DISCONT
 * first. */
GST_START_TEST (test_killed_child_restarts_on_failure)
{
  gint count = 0, before, disconts = 0, disconts_before;
  GstElement *sink = make_counting_sink (&count);
  GstElement *pipeline = make_source_pipeline (LIVE_SOURCE, "process",
      "on-failure", NULL, sink);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;
  pid_t child, next;

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, count_discont, &disconts, NULL);
  gst_object_unref (sinkpad);
  wait_count (&count, 10);
  child = wait_helper_child (getpid (), 0);
  fail_unless (child > 0);

  disconts_before = g_atomic_int_get (&disconts);
  fail_unless_equals_int (kill (child, SIGKILL), 0);
  msg = wait_message (bus, GST_MESSAGE_WARNING);
  gst_message_parse_warning (msg, &error, &debug);
  fail_unless (strstr (error->message, "killed by signal 9") != NULL,
      "warning: %s", error->message);
  fail_unless (strstr (debug, "restarting") != NULL, "debug: %s", debug);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (msg);
  /* reaped before the warning was posted: no zombie */
  fail_unless_equals_int (process_state (child), 0);

  next = wait_helper_child (getpid (), child);
  fail_unless (next > 0 && next != child);
  before = g_atomic_int_get (&count);
  wait_count (&count, before + 10);
  /* the new child's first frame follows a gap */
  fail_unless (g_atomic_int_get (&disconts) > disconts_before);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless_equals_int (process_state (next), 0);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* With restart=never a dead child closes the element: warning,
 * rtcbot-closed naming the death, EOS through the subscriber. */
GST_START_TEST (test_killed_child_closes_with_restart_never)
{
  gint count = 0;
  GstElement *src;
  GstElement *pipeline = make_source_pipeline (LIVE_SOURCE, "process",
      "never", &src, make_counting_sink (&count));
  GstBus *bus = gst_element_get_bus (pipeline);
  const gchar *reason;
  GstMessage *msg;
  gboolean closed;
  pid_t child;

  child = play_until_child (pipeline, &count, 5);
  fail_unless_equals_int (kill (child, SIGKILL), 0);

  gst_message_unref (wait_message (bus, GST_MESSAGE_WARNING));
  msg = wait_element_message (bus, "rtcbot-closed");
  reason = gst_structure_get_string (gst_message_get_structure (msg), "reason");
  fail_unless (reason && strstr (reason, "signal 9"), "reason: %s", reason);
  gst_message_unref (msg);
  gst_message_unref (wait_message (bus, GST_MESSAGE_EOS));
  g_object_get (src, "closed", &closed, NULL);
  fail_unless (closed);
  /* nobody was started again (a restart would come after 100 ms) */
  g_usleep (300 * 1000);
  assert_no_helper_child ();

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* `close` on an isolated source ends its child quietly: no warning, no
 * restart, the child reaped. */
GST_START_TEST (test_close_ends_the_child)
{
  gint count = 0;
  GstElement *src;
  GstElement *pipeline = make_source_pipeline (LIVE_SOURCE, "process",
      "on-failure", &src, make_counting_sink (&count));
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline;
  GstMessage *msg;
  pid_t child;

  child = play_until_child (pipeline, &count, 5);

  g_signal_emit_by_name (src, "close");
  gst_message_unref (wait_message (bus, GST_MESSAGE_EOS));
  /* the next frame it sends is refused, which sends it away */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (process_state (child) != 0) {
    fail_unless (g_get_monotonic_time () < deadline, "child %d still there",
        child);
    g_usleep (10000);
  }
  /* and nobody replaces it (a restart would come after 100 ms) */
  g_usleep (300 * 1000);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING | GST_MESSAGE_ERROR);
  fail_unless (msg == NULL, "%" GST_PTR_FORMAT, msg);
  assert_no_helper_child ();

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Start/stop cycles leave no child, no zombie and no descriptor behind. */
GST_START_TEST (test_cycles_leak_no_fd_and_no_child)
{
  gint count = 0;
  GstElement *pipeline = make_source_pipeline (LIVE_SOURCE, "process",
      "never", NULL, make_counting_sink (&count));
  guint fds_before = 0, fds_after, i;

  /* the first cycle loads what GStreamer keeps open for good */
  for (i = 0; i < 6; i++) {
    gint target = g_atomic_int_get (&count) + 3;

    if (i == 1)
      fds_before = count_fds ();
    fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE);
    wait_count (&count, target);
    fail_unless_equals_int (gst_element_set_state (pipeline,
            GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    assert_no_helper_child ();
  }
  fds_after = count_fds ();
  fail_unless_equals_int (fds_after, fds_before);

  gst_object_unref (pipeline);
}

GST_END_TEST;

/* The child dies with its parent: kill -9 of a gst-launch-1.0 running an
 * isolated source takes its helper along. */
GST_START_TEST (test_child_dies_with_parent)
{
  gchar *launch = g_find_program_in_path ("gst-launch-1.0");
  const gchar *argv[] = { NULL, "rtcbotsrc", "name=s",
    "source=\"" LIVE_SOURCE "\"", "isolation=process", "s.src_0", "!",
    "fakesink", NULL
  };
  GError *error = NULL;
  GPid parent;
  pid_t child;
  gint64 deadline;
  gint status;
  gchar state;

  if (launch == NULL) {
    GST_INFO ("gst-launch-1.0 not found, skipping");
    return;
  }
  argv[0] = launch;
  fail_unless (g_spawn_async (NULL, (gchar **) argv, NULL,
          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
          &parent, &error), "%s", error ? error->message : "");
  child = wait_helper_child (parent, 0);
  fail_unless (child > 0, "gst-launch-1.0 started no helper");

  fail_unless_equals_int (kill (parent, SIGKILL), 0);
  fail_unless_equals_int (waitpid (parent, &status, 0), parent);

  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  /* gone, or a zombie of whoever adopted it: not running in any case */
  while ((state = process_state (child)) != 0 && state != 'Z') {
    fail_unless (g_get_monotonic_time () < deadline,
        "helper %d still runs (state %c)", child, state);
    g_usleep (10000);
  }
  g_free (launch);
}

GST_END_TEST;

static void
md5_handoff (GstElement * identity, GstBuffer * buffer, gpointer data)
{
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_READ);
  g_checksum_update (data, map.data, map.size);
  gst_buffer_unmap (buffer, &map);
}

/* `sink=filesink` in a child: the file it writes holds exactly what the
 * active subscription carried, and EOS is posted once it is written. */
static void
check_sink_writes_file (const gchar * isolation, gboolean pause_first)
{
  gchar *dir = g_dir_make_tmp ("rtcbotisolation-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "out.bin", NULL);
  gchar *description = g_strdup_printf ("filesink location=\"%s\"", path);
  GstElement *pipeline = gst_parse_launch ("videotestsrc num-buffers=40 "
      "pattern=ball ! " RAW_320x240 " ! identity name=tap signal-handoffs=true "
      "! rtcbotsink name=sink", NULL);
  GstElement *tap = gst_bin_get_by_name (GST_BIN (pipeline), "tap");
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstBus *bus = gst_element_get_bus (pipeline);
  GChecksum *sent = g_checksum_new (G_CHECKSUM_MD5);
  gchar *contents, *written;
  gsize length;

  /* lossless, as a file wants */
  g_object_set (sink, "sink", description, NULL);
  gst_util_set_object_arg (G_OBJECT (sink), "isolation", isolation);
  gst_util_set_object_arg (G_OBJECT (sink), "policy", "block");
  g_signal_connect (tap, "handoff", G_CALLBACK (md5_handoff), sent);

  /* a non-live producer fills everything it can while PAUSED */
  if (pause_first) {
    fail_if (gst_element_set_state (pipeline, GST_STATE_PAUSED) ==
        GST_STATE_CHANGE_FAILURE);
    g_usleep (500 * 1000);
  }
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  gst_message_unref (wait_message (bus, GST_MESSAGE_EOS));

  fail_unless (g_file_get_contents (path, &contents, &length, NULL));
  fail_unless_equals_uint64 (length, 40 * 320 * 240 * 3 / 2);
  written = g_compute_checksum_for_data (G_CHECKSUM_MD5, (guchar *) contents,
      length);
  fail_unless_equals_string (written, g_checksum_get_string (sent));

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_free (written);
  g_free (contents);
  g_checksum_free (sent);
  g_unlink (path);
  g_rmdir (dir);
  g_free (description);
  g_free (path);
  g_free (dir);
  gst_object_unref (bus);
  gst_object_unref (tap);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_START_TEST (test_sink_filesink_in_process)
{
  check_sink_writes_file ("none", FALSE);
}

GST_END_TEST;

GST_START_TEST (test_sink_filesink_in_child)
{
  check_sink_writes_file ("process", FALSE);
}

GST_END_TEST;

/* PAUSED for a while first: the child is not flooded before it plays,
 * PLAYING returns at once and the stream still ends. */
GST_START_TEST (test_sink_paused_then_playing_reaches_eos)
{
  check_sink_writes_file ("process", TRUE);
}

GST_END_TEST;

static void
count_identity_handoff (GstElement * identity, GstBuffer * buffer,
    gpointer data)
{
  g_atomic_int_inc ((gint *) data);
}

static guint64
file_size (const gchar * path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

/* Waits for an `rtcbot-ready` saying @ready. */
static void
wait_ready (GstBus * bus, gboolean ready)
{
  for (;;) {
    GstMessage *msg = wait_element_message (bus, "rtcbot-ready");
    gboolean value = !ready;

    gst_structure_get_boolean (gst_message_get_structure (msg), "ready",
        &value);
    gst_message_unref (msg);
    if (value == ready)
      return;
  }
}

/* The consumer side dies and comes back too: a killed `sink` child is
 * reported, a new one takes over while live data keeps coming, says it is
 * ready, and what it gets reaches its own filesink; the producer never
 * stalls. */
GST_START_TEST (test_killed_sink_child_restarts)
{
  gchar *dir = g_dir_make_tmp ("rtcbotisolation-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "out.bin", NULL);
  /* fast enough to fill a child that is not playing yet many times over
   * (memcheck cannot keep up with that, and needs no such proof) */
  gint rate = g_getenv ("RTCBOT_UNDER_VALGRIND") ? 100 : 1000;
  gchar *launch = g_strdup_printf ("videotestsrc is-live=true ! "
      "video/x-raw,format=I420,width=160,height=120,framerate=%d/1 ! "
      "identity name=tap signal-handoffs=true ! rtcbotsink name=sink "
      "isolation=process restart=on-failure sink=\"filesink location=%s "
      "buffer-mode=unbuffered\"", rate, path);
  GstElement *pipeline = gst_parse_launch (launch, NULL);
  GstElement *tap = gst_bin_get_by_name (GST_BIN (pipeline), "tap");
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;
  gint count = 0;
  guint64 size;
  gint64 deadline;
  pid_t child, next;

  g_signal_connect (tap, "handoff", G_CALLBACK (count_identity_handoff),
      &count);
  child = play_until_child (pipeline, &count, 10);
  /* the first child writes */
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (file_size (path) == 0) {
    fail_unless (g_get_monotonic_time () < deadline, "nothing written");
    g_usleep (10000);
  }
  fail_unless_equals_int (kill (child, SIGKILL), 0);
  msg = wait_message (bus, GST_MESSAGE_WARNING);
  gst_message_parse_warning (msg, &error, &debug);
  fail_unless (strstr (error->message, "isolated sink process was killed "
          "by signal 9") != NULL, "warning: %s", error->message);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (msg);
  next = wait_helper_child (getpid (), child);
  fail_unless (next > 0 && next != child);
  /* the new child plays (the first ready=true went with the messages
   * before the warning): ready again, and its file (truncated when it
   * opened it) grows by more than it could have held from the start */
  wait_ready (bus, TRUE);
  size = file_size (path);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (file_size (path) < size + 10 * 160 * 120 * 3 / 2) {
    fail_unless (g_get_monotonic_time () < deadline,
        "the new child wrote %" G_GUINT64_FORMAT " bytes", file_size (path));
    g_usleep (10000);
  }
  /* the producer went on all along */
  wait_count (&count, g_atomic_int_get (&count) + 20);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless_equals_int (process_state (next), 0);
  g_unlink (path);
  g_rmdir (dir);
  g_free (launch);
  g_free (path);
  g_free (dir);
  gst_object_unref (bus);
  gst_object_unref (tap);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A producer and a consumer both isolated: the child of rtcbotsrc feeds
 * the parent, which feeds the child of rtcbotsink. */
GST_START_TEST (test_isolated_producer_to_isolated_consumer)
{
  GstElement *pipeline = gst_parse_launch ("rtcbotsrc name=src "
      "isolation=process source=\"videotestsrc num-buffers=20 ! "
      RAW_320x240 "\" src.src_0 ! rtcbotsink name=sink isolation=process "
      "policy=block sink=\"fakesink name=inner\"", NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstPad *pad = gst_element_get_static_pad (src, "src_0");

  fail_unless (pad != NULL);
  gst_util_set_object_arg (G_OBJECT (pad), "policy", "block");
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  /* the source's end crosses two processes and comes back as EOS */
  gst_message_unref (wait_message (bus, GST_MESSAGE_EOS));

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pad);
  gst_object_unref (src);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* An invalid description fails the state change with an error naming the
 * problem, on either side and with either isolation. */
static void
check_bad_description (const gchar * factory, const gchar * property,
    const gchar * isolation)
{
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *element = gst_element_factory_make (factory, NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;

  g_object_set (element, property, "nosuchelement-xyz ! fakesink", NULL);
  gst_util_set_object_arg (G_OBJECT (element), "isolation", isolation);
  gst_bin_add (GST_BIN (pipeline), element);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = wait_message (bus, GST_MESSAGE_ERROR);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT_CAST (element));
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (strstr (error->message,
          "element \"nosuchelement-xyz\" not found: install"),
      "%s: %s", isolation, error->message);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (msg);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  assert_no_helper_child ();
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_START_TEST (test_bad_description_is_an_error)
{
  check_bad_description ("rtcbotsrc", "source", "none");
  check_bad_description ("rtcbotsrc", "source", "process");
  check_bad_description ("rtcbotsink", "sink", "none");
  check_bad_description ("rtcbotsink", "sink", "process");
}

GST_END_TEST;

/* A missing helper: the error names the path and the variable to set. */
GST_START_TEST (test_missing_helper_is_an_error)
{
  gchar *saved = g_strdup (g_getenv ("GST_RTCBOT_HELPER"));
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("rtcbotsrc", NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;

  g_setenv ("GST_RTCBOT_HELPER", "/nonexistent/gst-rtcbot-isolate", TRUE);
  g_object_set (src, "source", "videotestsrc", NULL);
  gst_util_set_object_arg (G_OBJECT (src), "isolation", "process");
  gst_bin_add (GST_BIN (pipeline), src);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = wait_message (bus, GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (strstr (error->message, "/nonexistent/gst-rtcbot-isolate")
      && strstr (error->message, "GST_RTCBOT_HELPER"), "%s", error->message);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (msg);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (saved)
    g_setenv ("GST_RTCBOT_HELPER", saved, TRUE);
  else
    g_unsetenv ("GST_RTCBOT_HELPER");
  g_free (saved);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Children that break the protocol: the test-only hostile helper
 * (RTCBOT_HOSTILE_HELPER) runs instead of the real one, its description
 * naming what it does wrong. */

static gchar *
use_hostile_helper (void)
{
  gchar *saved = g_strdup (g_getenv ("GST_RTCBOT_HELPER"));
  const gchar *hostile = g_getenv ("RTCBOT_HOSTILE_HELPER");

  fail_unless (hostile != NULL, "RTCBOT_HOSTILE_HELPER is not set");
  g_setenv ("GST_RTCBOT_HELPER", hostile, TRUE);
  return saved;
}

static void
restore_helper (gchar * saved)
{
  if (saved)
    g_setenv ("GST_RTCBOT_HELPER", saved, TRUE);
  else
    g_unsetenv ("GST_RTCBOT_HELPER");
  g_free (saved);
}

static volatile guint touched_sum;

/* Reads every byte, as a subscriber that looks at the frame does: a
 * mapping past the end of its file would fault here. */
static void
touch_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    gpointer data)
{
  GstMapInfo map;
  guint sum = 0;
  gsize i;

  fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
  for (i = 0; i < map.size; i++)
    sum += map.data[i];
  gst_buffer_unmap (buffer, &map);
  /* kept, so the reads cannot be left out */
  touched_sum += sum;
  g_atomic_int_inc ((gint *) data);
}

/* A hostile source child is cut off with a warning that says it sent
 * malformed data or stopped reading (and @detail, when given), the
 * element closes
 * (restart=never), and stopping returns. */
static void
check_hostile_source (const gchar * behaviour, const gchar * detail)
{
  gchar *saved = use_hostile_helper ();
  gint count = 0;
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstElement *pipeline;
  GstBus *bus;
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;

  g_object_set (sink, "signal-handoffs", TRUE, "sync", FALSE, "async", FALSE,
      NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (touch_handoff), &count);
  pipeline = make_source_pipeline (behaviour, "process", "never", NULL, sink);
  bus = gst_element_get_bus (pipeline);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);

  msg = wait_message (bus, GST_MESSAGE_WARNING);
  gst_message_parse_warning (msg, &error, &debug);
  fail_unless (strstr (error->message, "sent malformed data") != NULL
      || (g_str_equal (behaviour, "no-read")
          && strstr (error->message, "stopped reading its socket") != NULL),
      "%s: warning %s", behaviour, error->message);
  fail_unless (detail == NULL || strstr (debug, detail) != NULL,
      "%s: debug %s", behaviour, debug);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (msg);
  gst_message_unref (wait_element_message (bus, "rtcbot-closed"));

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  assert_no_helper_child ();
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  restore_helper (saved);
}

/* A memfd smaller than announced, or one that could still shrink, is
 * refused: no mapping of it can fault in this process. */
GST_START_TEST (test_hostile_frame_size_is_checked)
{
  check_hostile_source ("short-memfd", "does not hold the announced");
  check_hostile_source ("unsealed-memfd", "not sealed against shrinking");
}

GST_END_TEST;

/* A message with two descriptors is a protocol error, and neither
 * descriptor stays open here. */
GST_START_TEST (test_hostile_extra_fds_are_closed)
{
  guint fds_before, fds_after;

  /* the first round loads what GStreamer keeps open for good */
  check_hostile_source ("two-fds", "2 descriptors");
  fds_before = count_fds ();
  check_hostile_source ("two-fds", "2 descriptors");
  check_hostile_source ("two-fds", "2 descriptors");
  fds_after = count_fds ();
  fail_unless_equals_int (fds_after, fds_before);
}

GST_END_TEST;

/* Caps no stream can have and a segment with a zero rate are refused
 * with a warning (a CRITICAL would fail the test). */
GST_START_TEST (test_hostile_caps_and_segment_are_checked)
{
  check_hostile_source ("any-caps", "malformed message");
  check_hostile_source ("unfixed-caps", "malformed message");
  check_hostile_source ("zero-rate", "malformed message");
}

GST_END_TEST;

/* A child that floods frames and never reads what comes back cannot
 * block this process: it is cut off and stopping returns. */
GST_START_TEST (test_hostile_child_that_stops_reading)
{
  check_hostile_source ("no-read", NULL);
}

GST_END_TEST;

/* A sink child that reads nothing at all: the producer goes on, and
 * stopping returns. */
GST_START_TEST (test_hostile_silent_sink_child)
{
  gchar *saved = use_hostile_helper ();
  GstElement *pipeline = gst_parse_launch ("videotestsrc is-live=true ! "
      "video/x-raw,format=I420,width=160,height=120,framerate=100/1 ! "
      "identity name=tap signal-handoffs=true ! rtcbotsink "
      "isolation=process sink=silent", NULL);
  GstElement *tap = gst_bin_get_by_name (GST_BIN (pipeline), "tap");
  gint count = 0;

  g_signal_connect (tap, "handoff", G_CALLBACK (count_identity_handoff),
      &count);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  /* more than the pool and the socket hold */
  wait_count (&count, 100);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);

  gst_object_unref (tap);
  gst_object_unref (pipeline);
  restore_helper (saved);
}

GST_END_TEST;

/* A helper of another build is refused by name at start. */
GST_START_TEST (test_helper_of_another_version_is_refused)
{
  gchar *saved = use_hostile_helper ();
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *src = gst_element_factory_make ("rtcbotsrc", NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;

  g_object_set (src, "source", "old-version", NULL);
  gst_util_set_object_arg (G_OBJECT (src), "isolation", "process");
  gst_bin_add (GST_BIN (pipeline), src);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  msg = wait_message (bus, GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (strstr (error->message, "another version")
      && strstr (error->message, "gst-rtcbot-isolate-hostile"), "%s",
      error->message);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (msg);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  restore_helper (saved);
}

GST_END_TEST;

/* Caps too large for the channel: the child says so, the user reads it. */
GST_START_TEST (test_oversized_caps_are_reported)
{
  GString *description = g_string_new ("videotestsrc num-buffers=1 ! "
      "video/x-raw,format=I420,width=16,height=16,x-padding=(string)");
  GstElement *pipeline;
  GstBus *bus;
  GstMessage *msg;
  GError *error = NULL;
  gchar *debug = NULL;
  gint count = 0;

  while (description->len < 70 * 1024)
    g_string_append (description, "aaaaaaaaaaaaaaaa");
  pipeline = make_source_pipeline (description->str, "process", "never",
      NULL, make_counting_sink (&count));
  bus = gst_element_get_bus (pipeline);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = wait_message (bus, GST_MESSAGE_ERROR);
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (strstr (error->message, "caps are too large") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  g_free (debug);
  gst_message_unref (msg);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_string_free (description, TRUE);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* An EOS that arrives while a dead sink child waits to be replaced is
 * given to the new child, and the stream ends. */
GST_START_TEST (test_sink_eos_during_restart)
{
  GstElement *pipeline = gst_parse_launch ("appsrc name=src format=time "
      "caps=video/x-raw,format=I420,width=160,height=120,framerate=30/1 ! "
      "rtcbotsink name=sink isolation=process restart=on-failure "
      "policy=block sink=\"fakesink sync=false\"", NULL);
  GstElement *src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  GstBus *bus = gst_element_get_bus (pipeline);
  pid_t child;
  guint i;

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  for (i = 0; i < 5; i++) {
    GstBuffer *buffer = gst_buffer_new_allocate (NULL, 160 * 120 * 3 / 2,
        NULL);

    gst_buffer_memset (buffer, 0, i, 160 * 120 * 3 / 2);
    GST_BUFFER_PTS (buffer) = i * GST_SECOND / 30;
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (src),
            buffer), GST_FLOW_OK);
  }
  wait_ready (bus, TRUE);
  child = wait_helper_child (getpid (), 0);
  fail_unless (child > 0);
  fail_unless_equals_int (kill (child, SIGKILL), 0);
  gst_message_unref (wait_message (bus, GST_MESSAGE_WARNING));
  /* the next child starts 100 ms after the warning */
  fail_unless_equals_int (gst_app_src_end_of_stream (GST_APP_SRC (src)),
      GST_FLOW_OK);
  gst_message_unref (wait_message (bus, GST_MESSAGE_EOS));

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Stopping while a dead child waits to be replaced returns at once and
 * starts no new child. */
GST_START_TEST (test_null_during_backoff)
{
  GstElement *pipeline = gst_parse_launch ("videotestsrc is-live=true ! "
      "video/x-raw,format=I420,width=160,height=120,framerate=100/1 ! "
      "rtcbotsink isolation=process restart=on-failure "
      "sink=\"fakesink sync=false\"", NULL);
  GstBus *bus = gst_element_get_bus (pipeline);
  pid_t child;

  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  child = wait_helper_child (getpid (), 0);
  fail_unless (child > 0);
  fail_unless_equals_int (kill (child, SIGKILL), 0);
  gst_message_unref (wait_message (bus, GST_MESSAGE_WARNING));
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  assert_no_helper_child ();
  /* and none comes later */
  g_usleep (300 * 1000);
  assert_no_helper_child ();

  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A sink whose description failed to start works once it is fixed. */
GST_START_TEST (test_sink_works_after_failed_start)
{
  gchar *dir = g_dir_make_tmp ("rtcbotisolation-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "out.bin", NULL);
  gchar *description = g_strdup_printf ("filesink location=\"%s\"", path);
  GstElement *pipeline = gst_parse_launch ("videotestsrc num-buffers=10 ! "
      RAW_320x240 " ! rtcbotsink name=sink isolation=process policy=block "
      "sink=nosuchelement-xyz", NULL);
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstBus *bus = gst_element_get_bus (pipeline);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  gst_message_unref (wait_message (bus, GST_MESSAGE_ERROR));
  gst_element_set_state (pipeline, GST_STATE_NULL);

  g_object_set (sink, "sink", description, NULL);
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  gst_message_unref (wait_message (bus, GST_MESSAGE_EOS));
  fail_unless_equals_uint64 (file_size (path), 10 * 320 * 240 * 3 / 2);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_unlink (path);
  g_rmdir (dir);
  g_free (description);
  g_free (path);
  g_free (dir);
  gst_object_unref (bus);
  gst_object_unref (sink);
  gst_object_unref (pipeline);
}

GST_END_TEST;

typedef struct
{
  GstElement *src;
  gint stopped;
} StopOnClose;

static GstBusSyncReply
stop_on_close (GstBus * bus, GstMessage * message, gpointer data)
{
  StopOnClose *stop = data;

  /* the application stops the element from the thread that posted */
  if (gst_message_has_name (message, "rtcbot-closed")) {
    gst_element_set_state (stop->src, GST_STATE_NULL);
    g_atomic_int_set (&stop->stopped, 1);
  }
  return GST_BUS_PASS;
}

/* A sync bus handler that stops the element on `rtcbot-closed`, which
 * the child's watcher thread posts: that thread cannot wait for itself,
 * so it lets go on its own. */
GST_START_TEST (test_stop_from_the_closing_thread)
{
  gint count = 0;
  StopOnClose stop = { NULL, 0 };
  GstElement *pipeline = make_source_pipeline (LIVE_SOURCE, "process",
      "never", &stop.src, make_counting_sink (&count));
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 deadline;
  pid_t child;

  gst_bus_set_sync_handler (bus, stop_on_close, &stop, NULL);
  child = play_until_child (pipeline, &count, 5);
  fail_unless_equals_int (kill (child, SIGKILL), 0);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!g_atomic_int_get (&stop.stopped)) {
    fail_unless (g_get_monotonic_time () < deadline, "the handler hangs");
    g_usleep (10000);
  }
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  assert_no_helper_child ();
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

typedef struct
{
  GstClockTime last;            /* running time of the last buffer */
  gint backwards;               /* buffers whose running time went back */
} RunningTime;

static GstPadProbeReturn
check_running_time (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  RunningTime *rt = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstEvent *event = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  const GstSegment *segment;
  GstClockTime t;

  fail_unless (event != NULL);
  gst_event_parse_segment (event, &segment);
  t = gst_segment_to_running_time (segment, GST_FORMAT_TIME,
      GST_BUFFER_PTS (buffer));
  gst_event_unref (event);
  if (GST_CLOCK_TIME_IS_VALID (rt->last) && t < rt->last)
    g_atomic_int_inc (&rt->backwards);
  rt->last = t;
  return GST_PAD_PROBE_OK;
}

/* A non-live source starts its timestamps over when its child restarts;
 * the subscriber's running time still goes on. */
GST_START_TEST (test_restarted_source_running_time_goes_on)
{
  gint count = 0;
  RunningTime rt = { GST_CLOCK_TIME_NONE, 0 };
  GstElement *sink = make_counting_sink (&count);
  GstElement *pipeline = make_source_pipeline ("videotestsrc ! "
      "video/x-raw,format=I420,width=64,height=48,framerate=100/1 ! "
      "identity sleep-time=5000", "process", "on-failure", NULL, sink);
  GstPad *sinkpad = gst_element_get_static_pad (sink, "sink");
  GstBus *bus = gst_element_get_bus (pipeline);
  pid_t child;

  gst_pad_add_probe (sinkpad, GST_PAD_PROBE_TYPE_BUFFER, check_running_time,
      &rt, NULL);
  gst_object_unref (sinkpad);
  child = play_until_child (pipeline, &count, 20);
  fail_unless_equals_int (kill (child, SIGKILL), 0);
  gst_message_unref (wait_message (bus, GST_MESSAGE_WARNING));
  fail_unless (wait_helper_child (getpid (), child) > 0);
  wait_count (&count, g_atomic_int_get (&count) + 20);
  fail_unless_equals_int (g_atomic_int_get (&rt.backwards), 0);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
rtcbotisolation_suite (void)
{
  Suite *s = suite_create ("rtcbotisolation");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_source_frames_identical_across_processes);
  tcase_add_test (tc, test_source_caps_change_propagates);
  tcase_add_test (tc, test_source_flags_and_timestamps_kept);
  tcase_add_test (tc, test_killed_child_restarts_on_failure);
  tcase_add_test (tc, test_killed_child_closes_with_restart_never);
  tcase_add_test (tc, test_close_ends_the_child);
  tcase_add_test (tc, test_cycles_leak_no_fd_and_no_child);
  tcase_add_test (tc, test_child_dies_with_parent);
  tcase_add_test (tc, test_sink_filesink_in_process);
  tcase_add_test (tc, test_sink_filesink_in_child);
  tcase_add_test (tc, test_killed_sink_child_restarts);
  tcase_add_test (tc, test_isolated_producer_to_isolated_consumer);
  tcase_add_test (tc, test_bad_description_is_an_error);
  tcase_add_test (tc, test_missing_helper_is_an_error);
  tcase_add_test (tc, test_sink_paused_then_playing_reaches_eos);
  tcase_add_test (tc, test_hostile_frame_size_is_checked);
  tcase_add_test (tc, test_hostile_extra_fds_are_closed);
  tcase_add_test (tc, test_hostile_caps_and_segment_are_checked);
  tcase_add_test (tc, test_hostile_child_that_stops_reading);
  tcase_add_test (tc, test_hostile_silent_sink_child);
  tcase_add_test (tc, test_helper_of_another_version_is_refused);
  tcase_add_test (tc, test_oversized_caps_are_reported);
  tcase_add_test (tc, test_sink_eos_during_restart);
  tcase_add_test (tc, test_null_during_backoff);
  tcase_add_test (tc, test_sink_works_after_failed_start);
  tcase_add_test (tc, test_stop_from_the_closing_thread);
  tcase_add_test (tc, test_restarted_source_running_time_goes_on);
  return s;
}

GST_CHECK_MAIN (rtcbotisolation);
