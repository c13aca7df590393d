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

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gst/app/app.h>

#include "gstrtcbotisolation.h"
#include "gstrtcbotchannel.h"
#include "gstrtcbotcommon.h"

GST_DEBUG_CATEGORY_STATIC (gst_rtcbot_isolation_debug);
#define GST_CAT_DEFAULT gst_rtcbot_isolation_debug

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
/* a child that ran this long was healthy: the next restart is quick */
#define HEALTHY_US (10 * G_USEC_PER_SEC)
/* how long a state change waits for a new child to build its description */
#define HANDSHAKE_TIMEOUT_US (20 * G_USEC_PER_SEC)
/* how long a child may take to exit once told to, before SIGKILL */
#define EXIT_GRACE_US (1 * G_USEC_PER_SEC)
/* how often the feeder looks for a stop while its queue is idle or ended */
#define FEED_POLL (100 * GST_MSECOND)

GType
gst_rtcbot_isolation_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_RTCBOT_ISOLATION_NONE, "In this process", "none"},
    {GST_RTCBOT_ISOLATION_PROCESS, "In a child process", "process"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstRtcbotIsolation", values));
  return type;
}

GType
gst_rtcbot_restart_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_RTCBOT_RESTART_NEVER, "Close when the child process dies", "never"},
    {GST_RTCBOT_RESTART_ON_FAILURE,
        "Restart a failed child process, with backoff", "on-failure"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstRtcbotRestart", values));
  return type;
}

typedef enum
{
  START_PENDING,
  START_DONE,
  START_FAILED,
} StartState;

struct _GstRtcbotRunner
{
  GstElement *element;          /* not a ref: the element owns the runner */
  GstRtcbotRunnerMode mode;
  gchar *description;
  GstRtcbotIsolation isolation;
  GstRtcbotRestart restart;
  GstRtcbotRunnerCallbacks callbacks;
  GstRtcbotQueue *input;        /* sink mode: what the feeder sends */

  GMutex lock;                  /* protects the fields below */
  GCond cond;
  gboolean stopping;
  gboolean playing;
  GstClockTime child_base_time; /* CLOCK_MONOTONIC, for PLAY */
  StartState start_state;
  GstRtcbotChannel *channel;    /* the live child's, NULL between children */
  guint channel_serial;         /* which child @channel belongs to */
  gboolean channel_hello;       /* @channel's child built its description */
  /* PLAY went to @channel: the feeder may send data. PLAY is always the
   * first thing a child reads, so a child whose appsrc is full can never
   * leave it unread. */
  gboolean channel_playing;
  gboolean detached;            /* freed from the runner thread itself */
  guint children;               /* started so far; runner thread only */
  /* source mode, runner thread only: where the running time of the last
   * child's data ended, for a restarted child to continue from */
  GstClockTime running_end;
  GstElement *element_ref;      /* held while detached */

  /* set up by start, torn down by free */
  GThread *thread;              /* spawns, reads and reaps children */
  GThread *feeder;              /* sink mode */
  GstElement *pipeline;         /* isolation none */
  GstElement *app;              /* its appsink or appsrc */
};

static const gchar *
mode_name (GstRtcbotRunner * runner)
{
  return runner->mode == GST_RTCBOT_RUNNER_SOURCE ? "source" : "sink";
}

/* Posts what a description reported as the element's own message. */
static void
forward_message (GstRtcbotRunner * runner, GstMessageType type,
    GQuark domain, gint code, const gchar * text, const gchar * debug)
{
  gst_element_message_full (runner->element, type, domain, code,
      g_strdup (text), debug ? g_strdup (debug) : NULL, __FILE__,
      GST_FUNCTION, __LINE__);
}

/* Isolation none: a private pipeline */

static GstBusSyncReply
private_bus_sync (GstBus * bus, GstMessage * message, gpointer user_data)
{
  GstRtcbotRunner *runner = user_data;
  GError *error = NULL;
  gchar *debug = NULL, *full_debug;
  GstMessageType type = GST_MESSAGE_TYPE (message);

  switch (type) {
    case GST_MESSAGE_ERROR:
    case GST_MESSAGE_WARNING:
      if (type == GST_MESSAGE_ERROR)
        gst_message_parse_error (message, &error, &debug);
      else
        gst_message_parse_warning (message, &error, &debug);
      full_debug = g_strdup_printf ("%s description, %s: %s",
          mode_name (runner), GST_MESSAGE_SRC_NAME (message),
          debug ? debug : "");
      forward_message (runner, type, error->domain, error->code,
          error->message, full_debug);
      g_free (full_debug);
      g_free (debug);
      g_clear_error (&error);
      break;
    case GST_MESSAGE_EOS:
      if (runner->mode == GST_RTCBOT_RUNNER_SINK)
        runner->callbacks.ended (runner->element, "the sink description "
            "ended");
      break;
    default:
      break;
  }
  /* nobody pops this bus; a dropped message is the handler's to unref */
  gst_message_unref (message);
  return GST_BUS_DROP;
}

static GstFlowReturn
appsink_new_sample (GstAppSink * appsink, gpointer user_data)
{
  GstRtcbotRunner *runner = user_data;
  GstSample *sample = gst_app_sink_pull_sample (appsink);
  GstFlowReturn ret;

  if (sample == NULL)
    return GST_FLOW_FLUSHING;
  ret = runner->callbacks.buffer (runner->element,
      gst_buffer_ref (gst_sample_get_buffer (sample)),
      gst_sample_get_caps (sample), gst_sample_get_segment (sample));
  gst_sample_unref (sample);
  /* a closed element ends the description; anything else is the
   * subscribers' business */
  return ret == GST_FLOW_EOS ? GST_FLOW_EOS : GST_FLOW_OK;
}

static void
appsink_eos (GstAppSink * appsink, gpointer user_data)
{
  GstRtcbotRunner *runner = user_data;

  runner->callbacks.ended (runner->element, "the source description ended");
}

static gboolean
start_private (GstRtcbotRunner * runner)
{
  GError *error = NULL;
  GstBus *bus;

  runner->pipeline = gst_rtcbot_description_build (runner->mode ==
      GST_RTCBOT_RUNNER_SOURCE, runner->description, &runner->app, &error);
  if (runner->pipeline == NULL)
    goto build_failed;

  bus = gst_element_get_bus (runner->pipeline);
  gst_bus_set_sync_handler (bus, private_bus_sync, runner, NULL);
  gst_object_unref (bus);

  if (runner->mode == GST_RTCBOT_RUNNER_SOURCE) {
    GstAppSinkCallbacks callbacks = { 0, };

    callbacks.eos = appsink_eos;
    callbacks.new_sample = appsink_new_sample;
    gst_app_sink_set_callbacks (GST_APP_SINK (runner->app), &callbacks,
        runner, NULL);
  }

  if (gst_element_set_state (runner->pipeline, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE)
    goto pause_failed;
  return TRUE;

  /* ERRORS */
build_failed:
  {
    GST_ELEMENT_ERROR (runner->element, RESOURCE, SETTINGS,
        ("Could not build the %s description \"%s\": %s", mode_name (runner),
            runner->description, error->message),
        ("gst_parse_launch: %s", error->message));
    g_clear_error (&error);
    return FALSE;
  }
pause_failed:
  {
    /* the description's own error message was forwarded already */
    GST_ELEMENT_ERROR (runner->element, CORE, STATE_CHANGE,
        ("Could not start the %s description \"%s\".", mode_name (runner),
            runner->description), ("its pipeline refused PAUSED"));
    return FALSE;
  }
}

static void
play_private (GstRtcbotRunner * runner)
{
  GstClock *clock;
  GstClockTime base_time;

  GST_OBJECT_LOCK (runner->element);
  clock = GST_ELEMENT_CLOCK (runner->element);
  clock = clock ? gst_object_ref (clock) : NULL;
  base_time = GST_ELEMENT_CAST (runner->element)->base_time;
  GST_OBJECT_UNLOCK (runner->element);

  /* the element's running time is the description's */
  if (clock) {
    gst_pipeline_use_clock (GST_PIPELINE (runner->pipeline), clock);
    gst_element_set_start_time (runner->pipeline, GST_CLOCK_TIME_NONE);
    gst_element_set_base_time (runner->pipeline, base_time);
    gst_object_unref (clock);
  }
  gst_element_set_state (runner->pipeline, GST_STATE_PLAYING);
}

/* Isolation process: a child running the helper */

/* Where the helper may be, best first, for this library loaded from
 * @library_dir: beside it (a meson build tree), where `meson install` put
 * it relative to the library (so an installed tree works wherever it was
 * copied, DESTDIR included), and the configured path. */
static gchar **
helper_candidates (const gchar * library_dir)
{
  GPtrArray *paths = g_ptr_array_new ();

  if (library_dir) {
    g_ptr_array_add (paths, g_build_filename (library_dir,
            GST_RTCBOT_HELPER_NAME, NULL));
    if (*GST_RTCBOT_HELPER_FROM_LIBDIR)
      g_ptr_array_add (paths, g_canonicalize_filename
          (GST_RTCBOT_HELPER_FROM_LIBDIR, library_dir));
  }
  g_ptr_array_add (paths, g_strdup (GST_RTCBOT_HELPER_PATH));
  g_ptr_array_add (paths, NULL);
  return (gchar **) g_ptr_array_free (paths, FALSE);
}

static gchar *
find_helper (void)
{
  Dl_info info = { NULL, };
  gchar *library_dir = NULL, *found = NULL;
  gchar **candidates, **c;

  if (dladdr ((gpointer) helper_candidates, &info) && info.dli_fname)
    library_dir = g_path_get_dirname (info.dli_fname);
  candidates = helper_candidates (library_dir);
  for (c = candidates; *c && !found; c++)
    if (g_file_test (*c, G_FILE_TEST_IS_EXECUTABLE))
      found = g_strdup (*c);
  if (found == NULL)
    found = g_strjoinv (" or ", candidates);
  g_strfreev (candidates);
  g_free (library_dir);
  return found;
}

/* $GST_RTCBOT_HELPER, else the first helper found (see
 * helper_candidates()), else the places looked at. */
static const gchar *
helper_path (void)
{
  static gchar *found = NULL;
  const gchar *path = g_getenv (GST_RTCBOT_HELPER_ENV);

  if (path && *path)
    return path;
  if (g_once_init_enter (&found))
    g_once_init_leave (&found, find_helper ());
  return found;
}

static GstClockTime
monotonic_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return GST_TIMESPEC_TO_TIME (ts);
}

/* The base time that gives a child on the system (monotonic) clock the
 * element's running time, NONE without a clock. With the object lock. */
static GstClockTime
child_base_time (GstElement * element)
{
  GstClock *clock = GST_ELEMENT_CLOCK (element);
  GstClockTime now, running, mono;

  if (clock == NULL)
    return GST_CLOCK_TIME_NONE;
  now = gst_clock_get_time (clock);
  running = now > (GstClockTime) element->base_time ?
      now - (GstClockTime) element->base_time : 0;
  mono = monotonic_now ();
  return mono > running ? mono - running : 0;
}

static gboolean
spawn_child (GstRtcbotRunner * runner, GPid * pid,
    GstRtcbotChannel ** channel, GError ** error)
{
  const gchar *helper = helper_path ();
  gint sv[2], source_fds[1], target_fds[1] = { 3 };
  gchar parent[32];
  const gchar *argv[6];
  gboolean ret;

  if (!g_file_test (helper, G_FILE_TEST_IS_EXECUTABLE)) {
    g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT,
        "the isolation helper %s was not found: install gst-rtcbot "
        "(meson install, or the Debian package gstreamer1.0-rtcbot), or "
        "set %s to its path", helper, GST_RTCBOT_HELPER_ENV);
    return FALSE;
  }
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED,
        "socketpair: %s", g_strerror (errno));
    return FALSE;
  }
  g_snprintf (parent, sizeof (parent), "%d", (gint) getpid ());
  argv[0] = helper;
  argv[1] = mode_name (runner);
  argv[2] = parent;
  argv[3] = runner->description;
  argv[4] = NULL;
  source_fds[0] = sv[1];
  /* only the child's end goes along, as fd 3; GLib closes every other */
  ret = g_spawn_async_with_pipes_and_fds (NULL, argv, NULL,
      G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, -1, -1, -1, source_fds,
      target_fds, 1, pid, NULL, NULL, NULL, error);
  close (sv[1]);
  if (!ret) {
    close (sv[0]);
    return FALSE;
  }
  GST_INFO_OBJECT (runner->element, "started %s (pid %d)", helper,
      (gint) * pid);
  *channel = gst_rtcbot_channel_new (sv[0]);
  return TRUE;
}

/* Waits for @pid, killing it if it lingers. Returns its wait status. */
static gint
reap_child (GPid pid, gboolean terminate)
{
  gint64 deadline = g_get_monotonic_time () + EXIT_GRACE_US;
  gulong nap = 1000;
  gint status = 0;
  pid_t r;

  /* one we stopped has nothing left to finish */
  if (terminate)
    kill (pid, SIGTERM);
  for (;;) {
    r = waitpid (pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR))
      return status;
    if (g_get_monotonic_time () >= deadline)
      break;
    g_usleep (nap);
    nap = MIN (nap * 2, 50000);
  }
  kill (pid, SIGKILL);
  do {
    r = waitpid (pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  return status;
}

static gchar *
describe_status (gint status)
{
  if (WIFSIGNALED (status))
    return g_strdup_printf ("was killed by signal %d (%s)", WTERMSIG (status),
        g_strsignal (WTERMSIG (status)));
  if (WIFEXITED (status) && WEXITSTATUS (status) != 0)
    return g_strdup_printf ("exited with code %d", WEXITSTATUS (status));
  return g_strdup ("exited unexpectedly");
}

typedef struct
{
  gboolean ended;               /* EOS: the description is done */
  gboolean closed;              /* the element wants no more data */
  gboolean parse_error;
  gchar *failure;               /* how the child broke the protocol */
  gboolean deaf;                /* it stopped reading its socket */
  GstRtcbotChannelMessage error;        /* its last ERROR, type 0 if none */
} Session;

static void
session_clear (Session * session)
{
  gst_rtcbot_channel_message_clear (&session->error);
  g_clear_pointer (&session->failure, g_free);
}

/* With the runner lock: the first message the child reads is PLAY, and
 * only after it may the feeder send. Never blocks. */
static void
send_play_locked (GstRtcbotRunner * runner)
{
  if (runner->channel == NULL || !runner->channel_hello || !runner->playing
      || runner->channel_playing)
    return;
  /* a child whose socket is full now has stopped reading; the channel is
   * shut and the child treated as failed */
  if (gst_rtcbot_channel_send_control (runner->channel,
          GST_RTCBOT_CHANNEL_PLAY, runner->child_base_time)) {
    runner->channel_playing = TRUE;
    g_cond_broadcast (&runner->cond);
  }
}

/* Source mode: @segment as the element gets it. A restarted child starts
 * its timestamps over; its running time is moved to go on from where the
 * last child's ended. */
static void
continue_running_time (GstRtcbotRunner * runner, GstBuffer * buffer,
    const GstSegment * segment, GstClockTime * shift, gboolean * first,
    GstSegment * out)
{
  GstClockTime pts = GST_BUFFER_PTS (buffer), rt;

  *out = *segment;
  if (segment->format != GST_FORMAT_TIME || !GST_CLOCK_TIME_IS_VALID (pts))
    return;
  rt = gst_segment_to_running_time (segment, GST_FORMAT_TIME, pts);
  if (!GST_CLOCK_TIME_IS_VALID (rt))
    return;
  if (*first) {
    *first = FALSE;
    if (runner->children > 1 && GST_CLOCK_TIME_IS_VALID (runner->running_end)
        && rt < runner->running_end)
      *shift = runner->running_end - rt;
  }
  out->base += *shift;
  rt += *shift;
  if (GST_BUFFER_DURATION_IS_VALID (buffer))
    rt += GST_BUFFER_DURATION (buffer);
  if (!GST_CLOCK_TIME_IS_VALID (runner->running_end)
      || rt > runner->running_end)
    runner->running_end = rt;
}

static void
set_start_state (GstRtcbotRunner * runner, StartState state)
{
  g_mutex_lock (&runner->lock);
  if (runner->start_state == START_PENDING) {
    runner->start_state = state;
    g_cond_broadcast (&runner->cond);
  }
  g_mutex_unlock (&runner->lock);
}

/* Reads what the child says until it goes away. */
static void
run_session (GstRtcbotRunner * runner, GstRtcbotChannel * channel,
    Session * session)
{
  GstRtcbotChannelMessage message;
  GstCaps *caps = NULL;
  GstSegment segment, out_segment;
  GError *error = NULL;
  GstClockTime shift = 0;
  gboolean first = TRUE;
  /* what a restarted child sends first follows a gap */
  gboolean discont = runner->children > 1;

  gst_segment_init (&segment, GST_FORMAT_TIME);
  while (!session->ended && !session->closed && !session->parse_error
      && gst_rtcbot_channel_receive (channel, &message, &error)) {
    switch (message.type) {
      case GST_RTCBOT_CHANNEL_HELLO:
        if (message.value != GST_RTCBOT_CHANNEL_VERSION) {
          session->parse_error = TRUE;
          GST_ELEMENT_ERROR (runner->element, RESOURCE, FAILED,
              ("The isolation helper %s belongs to another version of "
                  "gst-rtcbot.", helper_path ()),
              ("protocol 0x%" G_GINT64_MODIFIER "x, expected 0x%"
                  G_GINT64_MODIFIER "x", message.value,
                  GST_RTCBOT_CHANNEL_VERSION));
          set_start_state (runner, START_FAILED);
          break;
        }
        set_start_state (runner, START_DONE);
        g_mutex_lock (&runner->lock);
        if (runner->channel == channel) {
          runner->channel_hello = TRUE;
          send_play_locked (runner);
        }
        g_mutex_unlock (&runner->lock);
        break;
      case GST_RTCBOT_CHANNEL_READY:
        runner->callbacks.ready (runner->element, TRUE);
        break;
      case GST_RTCBOT_CHANNEL_CAPS:
        gst_caps_replace (&caps, message.caps);
        break;
      case GST_RTCBOT_CHANNEL_SEGMENT:
        segment = message.segment;
        break;
      case GST_RTCBOT_CHANNEL_BUFFER:
        if (runner->mode != GST_RTCBOT_RUNNER_SOURCE)
          break;
        if (discont) {
          GST_BUFFER_FLAG_SET (message.buffer, GST_BUFFER_FLAG_DISCONT);
          discont = FALSE;
        }
        continue_running_time (runner, message.buffer, &segment, &shift,
            &first, &out_segment);
        /* a closed element wants no more: the child is told to go */
        if (runner->callbacks.buffer (runner->element,
                g_steal_pointer (&message.buffer), caps, &out_segment)
            == GST_FLOW_EOS)
          session->closed = TRUE;
        break;
      case GST_RTCBOT_CHANNEL_EOS:
        session->ended = TRUE;
        break;
      case GST_RTCBOT_CHANNEL_WARNING:
        forward_message (runner, GST_MESSAGE_WARNING, message.domain,
            message.code, message.text, message.debug);
        break;
      case GST_RTCBOT_CHANNEL_ERROR:
        gst_rtcbot_channel_message_clear (&session->error);
        session->error = message;
        memset (&message, 0, sizeof (message));
        break;
      case GST_RTCBOT_CHANNEL_PARSE_ERROR:
        session->parse_error = TRUE;
        GST_ELEMENT_ERROR (runner->element, RESOURCE, SETTINGS,
            ("Could not build the %s description \"%s\": %s",
                mode_name (runner), runner->description, message.text),
            ("in the isolated process: %s", message.debug ? message.debug :
                message.text));
        set_start_state (runner, START_FAILED);
        break;
      default:
        break;
    }
    gst_rtcbot_channel_message_clear (&message);
  }
  if (error && error->domain == GST_STREAM_ERROR) {
    session->failure = g_strdup_printf ("it sent %s", error->message);
    g_clear_error (&error);
  } else if (error) {
    GST_WARNING_OBJECT (runner->element, "%s", error->message);
    g_clear_error (&error);
  } else if (gst_rtcbot_channel_is_broken (channel)) {
    session->failure = g_strdup ("its socket was full when a control "
        "message was due");
    session->deaf = TRUE;
  }
  gst_clear_caps (&caps);
}

/* After a child died: tells the user, and whether to go on. */
static gboolean
report_death (GstRtcbotRunner * runner, Session * session, gint status,
    guint backoff_ms)
{
  gchar *how = session->failure ? g_strdup_printf ("was stopped: %s",
      session->failure) : describe_status (status);
  gchar *reason = g_strdup_printf ("the isolated %s process %s",
      mode_name (runner), how);
  gboolean restart = runner->restart == GST_RTCBOT_RESTART_ON_FAILURE;
  gchar *debug;

  runner->callbacks.ready (runner->element, FALSE);
  debug = restart ? g_strdup_printf ("%s; restarting it in %u ms (restart="
      "on-failure)", reason, backoff_ms) :
      g_strdup_printf ("%s; closing (restart=never)", reason);

  if (session->error.type) {
    gchar *full = g_strdup_printf ("%s (%s)", debug, session->error.debug ?
        session->error.debug : "");

    /* the child's own words; fatal only when nothing follows */
    forward_message (runner, restart ? GST_MESSAGE_WARNING :
        GST_MESSAGE_ERROR, session->error.domain, session->error.code,
        session->error.text, full);
    g_free (full);
  } else if (session->failure) {
    /* the protocol error is the cause, not the signal that ended it */
    if (session->deaf)
      GST_ELEMENT_WARNING (runner->element, RESOURCE, FAILED,
          ("The isolated %s process stopped reading its socket; it was "
              "stopped.", mode_name (runner)), ("%s", debug));
    else
      GST_ELEMENT_WARNING (runner->element, STREAM, DECODE,
          ("The isolated %s process sent malformed data; it was stopped.",
              mode_name (runner)), ("%s", debug));
  } else {
    GST_ELEMENT_WARNING (runner->element, RESOURCE, FAILED,
        ("The isolated %s process %s.", mode_name (runner), how),
        ("%s", debug));
  }
  if (!restart)
    runner->callbacks.ended (runner->element, reason);

  g_free (debug);
  g_free (reason);
  g_free (how);
  return restart;
}

static void runner_destroy (GstRtcbotRunner * runner);

static gpointer
runner_thread (gpointer data)
{
  GstRtcbotRunner *runner = data;
  guint backoff_ms = BACKOFF_MIN_MS;
  gboolean detached;

  for (;;) {
    GstRtcbotChannel *channel;
    Session session = { 0, };
    GError *error = NULL;
    gboolean stopping;
    gint64 started, deadline;
    gint status;
    GPid pid;

    if (!spawn_child (runner, &pid, &channel, &error))
      goto spawn_failed;
    started = g_get_monotonic_time ();
    runner->children++;
    GST_DEBUG_OBJECT (runner->element, "child %d runs \"%s\"", (gint) pid,
        runner->description);

    g_mutex_lock (&runner->lock);
    stopping = runner->stopping;
    if (!stopping) {
      runner->channel = gst_rtcbot_channel_ref (channel);
      runner->channel_serial++;
      runner->channel_hello = FALSE;
      runner->channel_playing = FALSE;
    }
    g_mutex_unlock (&runner->lock);
    if (stopping)
      gst_rtcbot_channel_shutdown (channel);

    run_session (runner, channel, &session);

    g_mutex_lock (&runner->lock);
    g_clear_pointer (&runner->channel, gst_rtcbot_channel_unref);
    runner->channel_hello = FALSE;
    runner->channel_playing = FALSE;
    stopping = runner->stopping;
    g_mutex_unlock (&runner->lock);
    gst_rtcbot_channel_shutdown (channel);
    gst_rtcbot_channel_unref (channel);
    /* a child that said EOS exits by itself; any other is stopped */
    status = reap_child (pid, !session.ended);
    GST_DEBUG_OBJECT (runner->element, "child %d is gone, status 0x%x",
        (gint) pid, status);
    /* died before it could say whether its description was fine */
    set_start_state (runner, START_DONE);

    /* a child we stopped, or one of a closed element, did not fail */
    if (stopping || session.parse_error || session.closed) {
      session_clear (&session);
      break;
    }
    if (session.ended) {
      runner->callbacks.ended (runner->element,
          runner->mode == GST_RTCBOT_RUNNER_SOURCE ?
          "the source description ended" : "the sink description ended");
      session_clear (&session);
      break;
    }

    if (g_get_monotonic_time () - started >= HEALTHY_US)
      backoff_ms = BACKOFF_MIN_MS;
    if (!report_death (runner, &session, status, backoff_ms)) {
      session_clear (&session);
      break;
    }
    session_clear (&session);

    deadline = g_get_monotonic_time () + backoff_ms * G_TIME_SPAN_MILLISECOND;
    g_mutex_lock (&runner->lock);
    while (!runner->stopping
        && g_cond_wait_until (&runner->cond, &runner->lock, deadline));
    stopping = runner->stopping;
    g_mutex_unlock (&runner->lock);
    if (stopping)
      break;
    backoff_ms = MIN (backoff_ms * 2, BACKOFF_MAX_MS);
    continue;

  spawn_failed:
    GST_ELEMENT_ERROR (runner->element, RESOURCE, NOT_FOUND,
        ("Could not start the isolated %s process: %s", mode_name (runner),
            error->message), ("helper %s", helper_path ()));
    g_clear_error (&error);
    set_start_state (runner, START_FAILED);
    /* a restart that cannot happen ends the element */
    if (runner->children > 0)
      runner->callbacks.ended (runner->element, "the isolated process could "
          "not be started again");
    break;
  }

  g_mutex_lock (&runner->lock);
  detached = runner->detached;
  g_mutex_unlock (&runner->lock);
  /* freed from a message this thread posted: nobody joins it */
  if (detached) {
    GThread *self = runner->thread;
    GstElement *element = runner->element_ref;

    runner_destroy (runner);
    g_thread_unref (self);
    gst_object_unref (element);
  }
  return NULL;
}

/* Sink mode: the element's queue into the description */

static void
feed_private (GstRtcbotRunner * runner, GstSample * sample)
{
  gst_app_src_push_sample (GST_APP_SRC (runner->app), sample);
}

typedef struct
{
  GstRtcbotChannel *channel;    /* the one the state below is about */
  GstCaps *caps;
  GstSegment segment;
  gboolean have_segment;
  /* EOS went to the private pipeline or to the child of this serial */
  gboolean eos_sent;
  guint eos_serial;
} FeedState;

static void
feed_state_clear (FeedState * state)
{
  g_clear_pointer (&state->channel, gst_rtcbot_channel_unref);
  gst_clear_caps (&state->caps);
  state->have_segment = FALSE;
}

/* The channel of a child that got PLAY, or NULL. */
static GstRtcbotChannel *
feedable_channel (GstRtcbotRunner * runner, guint * serial)
{
  GstRtcbotChannel *channel = NULL;

  g_mutex_lock (&runner->lock);
  if (runner->channel && runner->channel_playing) {
    channel = gst_rtcbot_channel_ref (runner->channel);
    *serial = runner->channel_serial;
  }
  g_mutex_unlock (&runner->lock);
  return channel;
}

/* Data is only sent to a child that got PLAY (the feeder waits for one);
 * what was taken for a child that died meanwhile is lost with it. A child
 * that holds every pool slot makes us wait here, and the element's queue
 * meanwhile applies its policy. */
static void
feed_child (GstRtcbotRunner * runner, FeedState * state, GstSample * sample)
{
  GstRtcbotChannel *channel;
  GstCaps *caps = gst_sample_get_caps (sample);
  const GstSegment *segment = gst_sample_get_segment (sample);
  gboolean ok = TRUE;
  guint serial;

  channel = feedable_channel (runner, &serial);
  if (channel == NULL)
    return;
  if (channel != state->channel) {
    feed_state_clear (state);
    state->channel = gst_rtcbot_channel_ref (channel);
  }
  if (caps && (state->caps == NULL || !gst_caps_is_equal (caps, state->caps))) {
    ok = gst_rtcbot_channel_send_caps (channel, caps);
    gst_caps_replace (&state->caps, caps);
  }
  if (ok && segment && (!state->have_segment
          || !gst_segment_is_equal (segment, &state->segment))) {
    ok = gst_rtcbot_channel_send_segment (channel, segment);
    gst_segment_copy_into (segment, &state->segment);
    state->have_segment = TRUE;
  }
  if (ok)
    ok = gst_rtcbot_channel_send_buffer (channel,
        gst_sample_get_buffer (sample), -1) == GST_RTCBOT_CHANNEL_SENT;
  if (!ok)
    GST_DEBUG_OBJECT (runner->element, "the child is going away, dropped");
  gst_rtcbot_channel_unref (channel);
}

/* EOS goes to the description once; to a child, to each new one too, so
 * an EOS that arrives during a restart still ends the description. */
static void
feed_eos (GstRtcbotRunner * runner, FeedState * state)
{
  GstRtcbotChannel *channel;
  guint serial = 0;

  if (runner->isolation == GST_RTCBOT_ISOLATION_NONE) {
    if (!state->eos_sent)
      gst_app_src_end_of_stream (GST_APP_SRC (runner->app));
    state->eos_sent = TRUE;
    return;
  }
  channel = feedable_channel (runner, &serial);
  if (channel == NULL)
    return;
  if (!state->eos_sent || state->eos_serial != serial) {
    gst_rtcbot_channel_send_simple (channel, GST_RTCBOT_CHANNEL_EOS, 0);
    state->eos_sent = TRUE;
    state->eos_serial = serial;
  }
  gst_rtcbot_channel_unref (channel);
}

static gpointer
feeder_thread (gpointer data)
{
  GstRtcbotRunner *runner = data;
  FeedState state = { 0, };

  for (;;) {
    gint64 woke = g_get_monotonic_time ();
    gboolean discont = FALSE, stopping;
    GstMiniObject *item;
    GstSample *sample;

    /* until a child got PLAY, what comes in stays in the element's queue,
     * whose policy decides whether the producer waits or loses data */
    g_mutex_lock (&runner->lock);
    while (!runner->stopping
        && runner->isolation == GST_RTCBOT_ISOLATION_PROCESS
        && !(runner->channel && runner->channel_playing))
      g_cond_wait (&runner->cond, &runner->lock);
    stopping = runner->stopping;
    g_mutex_unlock (&runner->lock);
    if (stopping)
      break;

    woke = g_get_monotonic_time ();
    /* bounded, so a stop is seen without flushing the element's queue */
    item = gst_rtcbot_queue_pop (runner->input, FEED_POLL, &discont);
    if (item == NULL) {
      /* EOS at the head of the queue, a flush, or nothing for a while */
      if (gst_rtcbot_queue_is_eos (runner->input))
        feed_eos (runner, &state);
      /* a flushing or ended queue returns at once: wait out the rest of
       * the poll, or until a new child gets PLAY */
      g_mutex_lock (&runner->lock);
      if (!runner->stopping)
        g_cond_wait_until (&runner->cond, &runner->lock,
            woke + FEED_POLL / GST_USECOND);
      g_mutex_unlock (&runner->lock);
      continue;
    }
    /* only a flush lets data follow an EOS, and another EOS after it */
    state.eos_sent = FALSE;
    sample = GST_SAMPLE_CAST (item);
    if (discont)
      sample = gst_rtcbot_sample_mark_discont (sample);
    if (runner->isolation == GST_RTCBOT_ISOLATION_NONE)
      feed_private (runner, sample);
    else
      feed_child (runner, &state, sample);
    gst_sample_unref (sample);
  }
  feed_state_clear (&state);
  return NULL;
}

/* The runner */

GstRtcbotRunner *
gst_rtcbot_runner_new (GstElement * element, GstRtcbotRunnerMode mode,
    const gchar * description, GstRtcbotIsolation isolation,
    GstRtcbotRestart restart, const GstRtcbotRunnerCallbacks * callbacks,
    GstRtcbotQueue * input)
{
  GstRtcbotRunner *runner = g_new0 (GstRtcbotRunner, 1);
  static gsize init = 0;

  if (g_once_init_enter (&init)) {
    GST_DEBUG_CATEGORY_INIT (gst_rtcbot_isolation_debug, "rtcbotisolation",
        0, "RTCBot descriptions in private pipelines and child processes");
    g_once_init_leave (&init, 1);
  }

  runner->element = element;
  runner->mode = mode;
  runner->description = g_strdup (description);
  runner->isolation = isolation;
  runner->restart = restart;
  runner->callbacks = *callbacks;
  runner->input = input ? gst_rtcbot_queue_ref (input) : NULL;
  runner->child_base_time = GST_CLOCK_TIME_NONE;
  runner->running_end = GST_CLOCK_TIME_NONE;
  g_mutex_init (&runner->lock);
  g_cond_init (&runner->cond);
  return runner;
}

/* READY to PAUSED: builds the description (here or in a child, waiting
 * for the child's verdict). FALSE after posting an error. */
gboolean
gst_rtcbot_runner_start (GstRtcbotRunner * runner)
{
  gboolean ok = TRUE;

  if (runner->isolation == GST_RTCBOT_ISOLATION_NONE) {
    ok = start_private (runner);
  } else {
    gint64 deadline = g_get_monotonic_time () + HANDSHAKE_TIMEOUT_US;
    StartState state;

    runner->start_state = START_PENDING;
    runner->thread = g_thread_new ("rtcbot-isolate", runner_thread, runner);
    g_mutex_lock (&runner->lock);
    while (runner->start_state == START_PENDING
        && g_cond_wait_until (&runner->cond, &runner->lock, deadline));
    state = runner->start_state;
    g_mutex_unlock (&runner->lock);
    if (state == START_PENDING)
      goto timed_out;
    ok = state != START_FAILED;
  }
  if (ok && runner->mode == GST_RTCBOT_RUNNER_SINK)
    runner->feeder = g_thread_new ("rtcbot-feed", feeder_thread, runner);
  return ok;

  /* ERRORS */
timed_out:
  {
    /* the caller frees the runner, which stops the child */
    GST_ELEMENT_ERROR (runner->element, RESOURCE, FAILED,
        ("The isolated %s process did not start within %u s.",
            mode_name (runner),
            (guint) (HANDSHAKE_TIMEOUT_US / G_USEC_PER_SEC)),
        ("helper %s never said HELLO for \"%s\"", helper_path (),
            runner->description));
    return FALSE;
  }
}

/* PAUSED to PLAYING; only the first time counts. Never blocks: PLAY
 * goes out now if the child is there, or when it says HELLO. */
void
gst_rtcbot_runner_play (GstRtcbotRunner * runner)
{
  GstClockTime base_time;
  gboolean first;

  if (runner->isolation == GST_RTCBOT_ISOLATION_NONE) {
    g_mutex_lock (&runner->lock);
    first = !runner->playing;
    runner->playing = TRUE;
    g_mutex_unlock (&runner->lock);
    if (first)
      play_private (runner);
    return;
  }

  GST_OBJECT_LOCK (runner->element);
  base_time = child_base_time (runner->element);
  GST_OBJECT_UNLOCK (runner->element);

  g_mutex_lock (&runner->lock);
  if (!runner->playing) {
    runner->playing = TRUE;
    runner->child_base_time = base_time;
    send_play_locked (runner);
  }
  g_mutex_unlock (&runner->lock);
}

static void
runner_destroy (GstRtcbotRunner * runner)
{
  if (runner->input)
    gst_rtcbot_queue_unref (runner->input);
  g_cond_clear (&runner->cond);
  g_mutex_clear (&runner->lock);
  g_free (runner->description);
  g_free (runner);
}

/* PAUSED to READY: stops everything, reaps the child. The element's
 * queue is the element's: its flushing state is left alone. */
void
gst_rtcbot_runner_free (GstRtcbotRunner * runner)
{
  GstRtcbotChannel *channel;
  gboolean self = runner->thread && runner->thread == g_thread_self ();

  g_mutex_lock (&runner->lock);
  runner->stopping = TRUE;
  channel = runner->channel ? gst_rtcbot_channel_ref (runner->channel) : NULL;
  g_cond_broadcast (&runner->cond);
  g_mutex_unlock (&runner->lock);

  /* wakes the runner thread's receive and a feeder's send */
  if (channel) {
    gst_rtcbot_channel_shutdown (channel);
    gst_rtcbot_channel_unref (channel);
  }
  if (runner->pipeline)
    gst_element_set_state (runner->pipeline, GST_STATE_NULL);
  if (runner->feeder)
    g_thread_join (runner->feeder);
  if (runner->pipeline) {
    GstBus *bus = gst_element_get_bus (runner->pipeline);

    gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
    gst_object_unref (bus);
    gst_object_unref (runner->pipeline);
  }

  /* Called from a message the runner thread posted (a sync bus handler
   * that changed the state): that thread cannot join itself. It reaps
   * its child and frees the runner on its way out, keeping the element
   * alive until then. */
  if (self) {
    g_mutex_lock (&runner->lock);
    runner->element_ref = gst_object_ref (runner->element);
    runner->detached = TRUE;
    g_mutex_unlock (&runner->lock);
    return;
  }
  if (runner->thread)
    g_thread_join (runner->thread);
  runner_destroy (runner);
}
