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


/* gst-rtcbot-isolate: runs one gst-launch description for an rtcbotsrc or
 * rtcbotsink with isolation=process. Started by the element, never by
 * hand:
 *
 *   gst-rtcbot-isolate source|sink PARENT_PID DESCRIPTION
 *
 * with the element's socket as fd 3 (see gstrtcbotchannel.h). It dies with
 * its parent (PR_SET_PDEATHSIG) and exits when the socket closes. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <gst/gst.h>
#include <gst/app/app.h>

#include "gstrtcbotchannel.h"

#define CHANNEL_FD 3
/* how long a frame waits for the parent to hand back a pool slot before
 * it is dropped: a parent that holds every slot stalls no source for good */
#define SLOT_WAIT_US (1 * G_USEC_PER_SEC)

enum
{
  EXIT_PARSE = 2,
  EXIT_ERROR = 3,
  EXIT_USAGE = 64,
};

static GstRtcbotChannel *channel;
static GstElement *pipeline;
static GstElement *app;
static gboolean source_mode;

/* the appsink's streaming thread only */
static GstCaps *sent_caps;
static GstSegment sent_segment;
static gboolean segment_sent;
static guint64 dropped;

static void
send_gerror (GstRtcbotChannelType type, GstMessage * message)
{
  GError *error = NULL;
  gchar *debug = NULL, *full;

  if (type == GST_RTCBOT_CHANNEL_ERROR)
    gst_message_parse_error (message, &error, &debug);
  else
    gst_message_parse_warning (message, &error, &debug);
  full = g_strdup_printf ("%s (pid %d): %s", GST_MESSAGE_SRC_NAME (message),
      (gint) getpid (), debug ? debug : "");
  gst_rtcbot_channel_send_error (channel, type, error->domain, error->code,
      error->message, full);
  g_free (full);
  g_free (debug);
  g_error_free (error);
}

static GstBusSyncReply
bus_sync (GstBus * bus, GstMessage * message, gpointer user_data)
{
  GstState old_state, new_state;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ERROR:
      /* the parent decides what follows: restart or close */
      send_gerror (GST_RTCBOT_CHANNEL_ERROR, message);
      _exit (EXIT_ERROR);
    case GST_MESSAGE_WARNING:
      send_gerror (GST_RTCBOT_CHANNEL_WARNING, message);
      break;
    case GST_MESSAGE_EOS:
      /* a sink description has consumed everything */
      if (!source_mode) {
        gst_rtcbot_channel_send_simple (channel, GST_RTCBOT_CHANNEL_EOS, 0);
        _exit (0);
      }
      break;
    case GST_MESSAGE_STATE_CHANGED:
      if (GST_MESSAGE_SRC (message) != GST_OBJECT_CAST (pipeline))
        break;
      gst_message_parse_state_changed (message, &old_state, &new_state, NULL);
      if (new_state == GST_STATE_PLAYING)
        gst_rtcbot_channel_send_simple (channel, GST_RTCBOT_CHANNEL_READY, 0);
      break;
    default:
      break;
  }
  /* nobody pops this bus; a dropped message is the handler's to unref */
  gst_message_unref (message);
  return GST_BUS_DROP;
}

static GstFlowReturn
new_sample (GstAppSink * appsink, gpointer user_data)
{
  GstSample *sample = gst_app_sink_pull_sample (appsink);
  GstCaps *caps;
  const GstSegment *segment;
  gboolean ok = TRUE;

  if (sample == NULL)
    return GST_FLOW_FLUSHING;
  caps = gst_sample_get_caps (sample);
  segment = gst_sample_get_segment (sample);
  if (caps && (sent_caps == NULL || !gst_caps_is_equal (caps, sent_caps))) {
    gchar *string = gst_caps_to_string (caps);
    gsize len = strlen (string) + 1;

    g_free (string);
    /* said as an error, so the parent does not only see us go */
    if (len > GST_RTCBOT_CHANNEL_DATAGRAM_MAX) {
      gchar *debug = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes of caps, "
          "at most %u pass (pid %d)", len, GST_RTCBOT_CHANNEL_DATAGRAM_MAX,
          (gint) getpid ());

      gst_rtcbot_channel_send_error (channel, GST_RTCBOT_CHANNEL_ERROR,
          GST_STREAM_ERROR, GST_STREAM_ERROR_FORMAT,
          "The stream's caps are too large to leave the isolated process.",
          debug);
      _exit (EXIT_ERROR);
    }
    ok = gst_rtcbot_channel_send_caps (channel, caps);
    gst_caps_replace (&sent_caps, caps);
  }
  if (ok && segment && (!segment_sent
          || !gst_segment_is_equal (segment, &sent_segment))) {
    ok = gst_rtcbot_channel_send_segment (channel, segment);
    gst_segment_copy_into (segment, &sent_segment);
    segment_sent = TRUE;
  }
  if (ok) {
    switch (gst_rtcbot_channel_send_buffer (channel,
            gst_sample_get_buffer (sample), SLOT_WAIT_US)) {
      case GST_RTCBOT_CHANNEL_SENT:
        break;
      case GST_RTCBOT_CHANNEL_DROPPED:
        /* the parent holds every slot: newer frames win */
        if (dropped++ == 0)
          gst_rtcbot_channel_send_error (channel,
              GST_RTCBOT_CHANNEL_WARNING, GST_STREAM_ERROR,
              GST_STREAM_ERROR_FAILED, "Frames of the isolated process are "
              "dropped: the subscribers hold on to every shared frame.",
              "no pool slot was released within 1 s");
        break;
      case GST_RTCBOT_CHANNEL_CLOSED:
        ok = FALSE;
        break;
    }
  }
  gst_sample_unref (sample);
  /* the parent is gone */
  if (!ok)
    _exit (0);
  return GST_FLOW_OK;
}

static void
source_eos (GstAppSink * appsink, gpointer user_data)
{
  gst_rtcbot_channel_send_simple (channel, GST_RTCBOT_CHANNEL_EOS, 0);
  _exit (0);
}

static void
play (GstClockTime base_time)
{
  if (GST_CLOCK_TIME_IS_VALID (base_time)) {
    GstClock *clock = gst_system_clock_obtain ();

    /* the system clock is CLOCK_MONOTONIC, as the base time the parent
     * computed: running times line up with the parent's */
    gst_pipeline_use_clock (GST_PIPELINE (pipeline), clock);
    gst_element_set_start_time (pipeline, GST_CLOCK_TIME_NONE);
    gst_element_set_base_time (pipeline, base_time);
    gst_object_unref (clock);
  }
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
}

int
main (int argc, char **argv)
{
  GstRtcbotChannelMessage message;
  GstCaps *caps = NULL;
  GstSegment segment;
  GError *error = NULL;
  gboolean playing = FALSE;
  GstBus *bus;

  if (argc != 4 || (strcmp (argv[1], "source") && strcmp (argv[1], "sink"))) {
    fprintf (stderr, "usage: %s source|sink PARENT_PID DESCRIPTION\n"
        "(started by rtcbotsrc and rtcbotsink with isolation=process)\n",
        argv[0]);
    return EXIT_USAGE;
  }
  /* die with the parent, also if it died before this line */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != (pid_t) atoi (argv[2]))
    return EXIT_USAGE;
  if (fcntl (CHANNEL_FD, F_SETFD, FD_CLOEXEC) < 0) {
    fprintf (stderr, "%s: fd %d is not the element's socket\n", argv[0],
        CHANNEL_FD);
    return EXIT_USAGE;
  }
  source_mode = strcmp (argv[1], "source") == 0;

  gst_init (NULL, NULL);
  channel = gst_rtcbot_channel_new (CHANNEL_FD);

  pipeline = gst_rtcbot_description_build (source_mode, argv[3], &app, &error);
  if (pipeline == NULL) {
    gst_rtcbot_channel_send_error (channel, GST_RTCBOT_CHANNEL_PARSE_ERROR,
        error->domain, error->code, error->message, NULL);
    return EXIT_PARSE;
  }
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, bus_sync, NULL, NULL);
  gst_object_unref (bus);
  if (source_mode) {
    GstAppSinkCallbacks callbacks = { 0, };

    callbacks.new_sample = new_sample;
    callbacks.eos = source_eos;
    gst_app_sink_set_callbacks (GST_APP_SINK (app), &callbacks, NULL, NULL);
  }
  if (gst_element_set_state (pipeline, GST_STATE_PAUSED) ==
      GST_STATE_CHANGE_FAILURE) {
    gst_rtcbot_channel_send_error (channel, GST_RTCBOT_CHANNEL_ERROR,
        GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
        "The description could not be started.", argv[3]);
    return EXIT_ERROR;
  }
  gst_rtcbot_channel_send_simple (channel, GST_RTCBOT_CHANNEL_HELLO,
      GST_RTCBOT_CHANNEL_VERSION);

  /* In sink mode this thread blocks while the appsrc is full; that is
   * safe because the parent sends PLAY before any data and nothing but
   * data and EOS (in order) after it. */
  gst_segment_init (&segment, GST_FORMAT_TIME);
  while (gst_rtcbot_channel_receive (channel, &message, &error)) {
    switch (message.type) {
      case GST_RTCBOT_CHANNEL_PLAY:
        if (!playing)
          play (message.value);
        playing = TRUE;
        break;
      case GST_RTCBOT_CHANNEL_CAPS:
        gst_caps_replace (&caps, message.caps);
        break;
      case GST_RTCBOT_CHANNEL_SEGMENT:
        segment = message.segment;
        break;
      case GST_RTCBOT_CHANNEL_BUFFER:
        if (!source_mode) {
          GstSample *sample = gst_sample_new (message.buffer, caps, &segment,
              NULL);

          gst_app_src_push_sample (GST_APP_SRC (app), sample);
          gst_sample_unref (sample);
        }
        break;
      case GST_RTCBOT_CHANNEL_EOS:
        if (!source_mode)
          gst_app_src_end_of_stream (GST_APP_SRC (app));
        break;
      default:
        break;
    }
    gst_rtcbot_channel_message_clear (&message);
  }
  /* the element stopped or went away: nothing to finish */
  _exit (0);
}
