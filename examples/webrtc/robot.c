/* gst-rtcbot example
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


/**
 * SECTION:example-webrtc-robot
 * @title: webrtc-robot
 * @see_also: rtcbotwebrtcbin
 *
 * RTCBot's remote-control example with rtcbotwebrtcbin: a robot that
 * streams its camera to a browser and prints every command the browser
 * sends, like
 *
 * |[
 * cam = CVCamera()                              # RTCBot
 * conn = RTCConnection()
 * conn.video.putSubscription(cam)
 *
 * @conn.subscribe
 * def onMessage(m):
 *     print("Got message:", m)
 *
 * # aiohttp: GET / serves the page, POST /connect answers
 * #   await conn.getLocalDescription(clientOffer)
 * ]|
 *
 * What it shows:
 *
 * * the whole pipeline is one gst_parse_launch() line,
 *   `<camera> ! videoconvert ! rtcbotwebrtcbin name=conn listen-port=...`:
 *   the element encodes the camera once (VP8) and serves `GET /` (a page
 *   with the video that sends key presses and gamepad moves),
 *   `GET /rtcbot.js` and `POST /connect` itself, so there is no web server
 *   to write;
 * * every browser that opens the page is its own peer: all of them see the
 *   video, and their messages arrive merged;
 * * an application thread reads the messages with the `get` action, as
 *   RTCBot's `await conn.get()` would, while the main loop watches the bus
 *   (peers coming and going, errors) and SIGINT/SIGTERM;
 * * shutting down emits `close` before the pipeline stops, so the browsers
 *   learn at once that the robot went away.
 *
 * Run: GST_PLUGIN_PATH=build/gst/rtcbot:build/ext/webrtc \
 *        build/examples/webrtc/webrtc-robot [--port 8080] \
 *        [--device /dev/video0]
 * then open http://127.0.0.1:8080/ in a browser (--host 0.0.0.0 lets other
 * machines connect) and press the arrow keys.
 */

#include <signal.h>
#include <stdio.h>
#include <glib-unix.h>
#include <gst/gst.h>

#include <gst/rtcbot/gstrtcbotmissing.h>

/* how often the application thread looks at the stop flag */
#define GET_TIMEOUT (250 * GST_MSECOND)

static gint port = 8080;
static gchar *host = NULL;
static gdouble duration = 0;
static gchar *device = NULL;

static GOptionEntry entries[] = {
  {"port", 'p', 0, G_OPTION_ARG_INT, &port,
      "HTTP port of the page and of POST /connect (default 8080, 0 = any "
        "free port)", "PORT"},
  {"host", 'H', 0, G_OPTION_ARG_STRING, &host,
      "IP address to listen on (default 127.0.0.1; 0.0.0.0 = every "
        "interface)", "ADDRESS"},
  {"duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration,
      "Seconds to run (default 0: until Ctrl-C or SIGTERM)", "SECONDS"},
  {"device", 'D', 0, G_OPTION_ARG_FILENAME, &device,
      "V4L2 camera to send (default: a test pattern)", "DEVICE"},
  {NULL}
};

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  GstElement *conn;
  guint timeout;                /* the --duration source, 0 once fired */
  gint stop;                    /* atomic: the application thread ends */
  guint received;               /* application thread */
  int status;                   /* main thread */
} Robot;

/* The camera part of the launch line. */
static gchar *
camera_description (void)
{
  GstElementFactory *overlay;

  if (device)
    return g_strdup ("v4l2src name=camera");

  /* the time in the picture shows the latency at a glance; a decoration,
   * so without it the pattern runs bare */
  overlay = gst_element_factory_find ("clockoverlay");
  if (overlay == NULL) {
    gchar *why = gst_rtcbot_missing_element_text ("clockoverlay");

    g_printerr ("Warning: %s; the test pattern runs without the clock\n", why);
    g_free (why);
    return g_strdup ("videotestsrc is-live=true pattern=ball");
  }
  gst_object_unref (overlay);
  return g_strdup ("videotestsrc is-live=true pattern=ball ! clockoverlay");
}

/* The application thread: RTCBot's `while True: print(await conn.get())`. */
static gpointer
receive_thread (gpointer user_data)
{
  Robot *robot = user_data;

  while (!g_atomic_int_get (&robot->stop)) {
    GstSample *sample = NULL;
    GstBuffer *buffer;
    GstMapInfo map;

    g_signal_emit_by_name (robot->conn, "get", (guint64) GET_TIMEOUT, &sample);
    if (sample == NULL)
      continue;
    buffer = gst_sample_get_buffer (sample);
    if (buffer && gst_buffer_map (buffer, &map, GST_MAP_READ)) {
      /* JSON text is what the browser sends; binary would print as is */
      g_print ("Got message: %.*s\n", (int) map.size, (const char *) map.data);
      gst_buffer_unmap (buffer, &map);
      robot->received++;
    }
    gst_sample_unref (sample);
  }
  return NULL;
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Robot *robot = user_data;
  GError *err = NULL;
  gchar *debug = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *s = gst_message_get_structure (msg);
      guint peer = 0;

      if (GST_MESSAGE_SRC (msg) != GST_OBJECT_CAST (robot->conn))
        break;
      if (gst_structure_has_name (s, "rtcbot-peer-connected")) {
        gst_structure_get_uint (s, "peer", &peer);
        g_print ("Peer %u connected (%s)\n", peer,
            gst_structure_get_string (s, "address"));
      } else if (gst_structure_has_name (s, "rtcbot-peer-closed")) {
        gst_structure_get_uint (s, "peer", &peer);
        g_print ("Peer %u left (%s)\n", peer,
            gst_structure_get_string (s, "address"));
      }
      break;
    }
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, &debug);
      g_printerr ("Warning: %s\n", err->message);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &debug);
      g_printerr ("ERROR from %s: %s\n", GST_OBJECT_NAME (msg->src),
          err->message);
      if (debug)
        g_printerr ("  (%s)\n", debug);
      robot->status = 1;
      g_main_loop_quit (robot->loop);
      break;
    case GST_MESSAGE_EOS:
      /* a camera that ends (unplugged) ends the robot */
      g_print ("The camera stream ended\n");
      g_main_loop_quit (robot->loop);
      break;
    default:
      break;
  }
  g_clear_error (&err);
  g_free (debug);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_signal (gpointer user_data)
{
  Robot *robot = user_data;

  g_print ("Stopping\n");
  g_main_loop_quit (robot->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration (gpointer user_data)
{
  Robot *robot = user_data;

  robot->timeout = 0;
  g_main_loop_quit (robot->loop);
  return G_SOURCE_REMOVE;
}

/* Prints the errors a failed start left on the bus. */
static void
print_bus_errors (GstBus * bus)
{
  GstMessage *msg;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR)) != NULL) {
    GError *err = NULL;

    gst_message_parse_error (msg, &err, NULL);
    g_printerr ("ERROR from %s: %s\n", GST_OBJECT_NAME (msg->src),
        err->message);
    g_clear_error (&err);
    gst_message_unref (msg);
  }
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *error = NULL;
  Robot robot = { NULL, };
  GstSample *sample = NULL;
  GstBus *bus;
  GThread *thread;
  gchar *camera, *description;
  gint bound_port = 0;
  guint sigint, sigterm;

  ctx = g_option_context_new ("- RTCBot's remote-control robot: camera to "
      "the browser, commands back");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    g_option_context_free (ctx);
    g_clear_error (&error);
    return 2;
  }
  g_option_context_free (ctx);
  if (port < 0 || port > 65535) {
    g_printerr ("--port must be between 0 and 65535\n");
    return 2;
  }
  if (host == NULL)
    host = g_strdup ("127.0.0.1");

  camera = camera_description ();
  description = g_strdup_printf ("%s ! videoconvert ! rtcbotwebrtcbin "
      "name=conn listen-port=%d", camera, port);
  g_free (camera);
  robot.pipeline = gst_rtcbot_parse_launch (description, 0, &error);
  g_free (description);
  if (robot.pipeline == NULL) {
    g_printerr ("%s\n", error->message);
    g_clear_error (&error);
    return 1;
  }
  robot.conn = gst_bin_get_by_name (GST_BIN (robot.pipeline), "conn");
  /* set as properties, so no quoting of user input in the launch line */
  g_object_set (robot.conn, "listen-host", host, NULL);
  if (device) {
    GstElement *src = gst_bin_get_by_name (GST_BIN (robot.pipeline),
        "camera");

    g_object_set (src, "device", device, NULL);
    gst_object_unref (src);
  }

  bus = gst_element_get_bus (robot.pipeline);
  if (gst_element_set_state (robot.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    print_bus_errors (bus);
    gst_element_set_state (robot.pipeline, GST_STATE_NULL);
    robot.status = 1;
    goto done;
  }

  /* the first get subscribes: nothing a browser sends from now on is lost */
  g_signal_emit_by_name (robot.conn, "get", (guint64) 0, &sample);
  g_clear_pointer (&sample, gst_sample_unref);
  g_object_get (robot.conn, "bound-port", &bound_port, NULL);
  if (g_str_equal (host, "0.0.0.0"))
    g_print ("Open http://<this machine's address>:%d/ in a browser\n",
        bound_port);
  else
    g_print ("Open http://%s:%d/ in a browser\n", host, bound_port);
  fflush (stdout);

  robot.loop = g_main_loop_new (NULL, FALSE);
  gst_bus_add_watch (bus, on_bus_message, &robot);
  sigint = g_unix_signal_add (SIGINT, on_signal, &robot);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &robot);
  if (duration > 0)
    robot.timeout = g_timeout_add ((guint) (duration * 1000), on_duration,
        &robot);
  thread = g_thread_new ("robot-messages", receive_thread, &robot);

  g_main_loop_run (robot.loop);

  g_atomic_int_set (&robot.stop, 1);
  g_thread_join (thread);
  /* tell the browsers before the connections are torn down */
  g_signal_emit_by_name (robot.conn, "close");
  gst_element_set_state (robot.pipeline, GST_STATE_NULL);
  g_print ("Got %u messages\n", robot.received);

  if (robot.timeout)
    g_source_remove (robot.timeout);
  g_source_remove (sigterm);
  g_source_remove (sigint);
  gst_bus_remove_watch (bus);
  g_main_loop_unref (robot.loop);

done:
  gst_object_unref (bus);
  gst_object_unref (robot.conn);
  gst_object_unref (robot.pipeline);
  g_free (host);
  g_free (device);
  return robot.status;
}
