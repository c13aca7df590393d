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
 * SECTION:example-remotecontrol
 * @title: remotecontrol
 * @see_also: rtcbotwebrtcbin, rtcbotsrc, rtcbotwebsocketbin
 *
 * The flagship demo: a robot you drive from a browser. The robot's camera
 * (or a moving test pattern with a clock, when it has none) goes to every
 * browser that opens http://127.0.0.1:8080/; the keys W/A/S/D and the
 * arrows, or a gamepad, drive it. The page sends RTCBot's raw keyboard and
 * gamepad events over the data channel; this program turns them into drive
 * commands,
 *
 * |[
 * {"forward": 1, "leftright": -0.5}
 * ]|
 *
 * with both values in -1..1, prints each new command and publishes it
 * through an rtcbotsrc named `commands`: to the browsers (the page shows
 * what the robot does) and, with `--ws-url`, to a motor controller over a
 * websocket that is reconnected whenever it goes away.
 *
 * |[
 * <camera> ! capsfilter [! jpegdec] ! videoscale
 *     ! video/x-raw,width=[1,1280],height=[1,720],pixel-aspect-ratio=1/1
 *     ! videoconvert ! rtcbotwebrtcbin name=conn listen-port=8080
 * rtcbotsrc name=commands caps=application/x-json ! conn.sink_0
 * commands. ! motor.sink_0 rtcbotwebsocketbin name=motor url=ws://...
 *     reconnect=true reconnect-max=2000
 * ]|
 *
 * The camera is asked for a mode within `--max-size` (default 1280x720),
 * raw video when it has it, else JPEG, decoded here; videoscale brings a
 * camera without such a mode (and the test pattern) within it. The video
 * bitrate follows the browsers' links: rtcbotwebrtcbin's default
 * congestion-control=adaptive, which the demo leaves on.
 *
 * Safety first: when a browser leaves, whatever it held is released and
 * the robot stops.
 *
 * Run: GST_PLUGIN_PATH=build/gst/rtcbot:build/ext/webrtc:build/ext/websocket \
 *        build/examples/remotecontrol/remotecontrol [--port 8080]
 *        [--device /dev/video0 | --test-pattern] [--max-size 1280x720]
 *        [--ws-url ws://HOST:PORT/PATH]
 * or simply ./tools/demo.
 */

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib-unix.h>
#include <gst/gst.h>

#include "drive.h"
#include <gst/rtcbot/gstrtcbotmissing.h>

/* how often the message thread looks at the stop flag */
#define GET_TIMEOUT (250 * GST_MSECOND)

/* --max-size: a 4K webcam read at full size costs the robot more to scale
 * and encode than any browser link can carry */
#define DEFAULT_MAX_SIZE "1280x720"
#define MIN_SIDE 16
#define MAX_SIDE 8192

static gint port = 8080;
static gchar *host = NULL;
static gchar *device = NULL;
static gboolean test_pattern = FALSE;
static gchar *ws_url = NULL;
static gchar *max_size = NULL;
static gint max_width, max_height;
static gdouble duration = 0;

static GOptionEntry entries[] = {
  {"port", 'p', 0, G_OPTION_ARG_INT, &port,
      "HTTP port of the page (default 8080, 0 = any free port)", "PORT"},
  {"host", 'H', 0, G_OPTION_ARG_STRING, &host,
      "IP address to listen on (default 127.0.0.1; 0.0.0.0 = every "
        "interface)", "ADDRESS"},
  {"device", 'D', 0, G_OPTION_ARG_FILENAME, &device,
      "V4L2 camera to send (default: the first camera found, else a test "
        "pattern)", "DEVICE"},
  {"test-pattern", 't', 0, G_OPTION_ARG_NONE, &test_pattern,
      "Send the test pattern even when there is a camera", NULL},
  {"max-size", 'm', 0, G_OPTION_ARG_STRING, &max_size,
      "Largest video to send (default 1280x720): the camera is asked for a "
        "mode that fits, else the video is scaled down", "WIDTHxHEIGHT"},
  {"ws-url", 'w', 0, G_OPTION_ARG_STRING, &ws_url,
      "Also send every command to this websocket (a motor controller), "
        "reconnecting when it goes away", "URL"},
  {"duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration,
      "Seconds to run (default 0: until Ctrl-C or SIGTERM)", "SECONDS"},
  {NULL}
};

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  GstElement *conn;             /* rtcbotwebrtcbin: page, video, messages */
  GstElement *commands;         /* rtcbotsrc: every drive command */
  GMutex lock;                  /* drive, and the order of published commands */
  Drive *drive;
  gint width, height;           /* the video's size, streaming thread */
  guint timeout;                /* the --duration source, 0 once fired */
  gint stop;                    /* atomic: the message thread ends */
  int status;                   /* main thread */
} RemoteControl;

/* Prints the new command and hands it to every subscriber of `commands`.
 * Called with the lock held, so commands leave in the order they were
 * decided. */
static void
publish_command (RemoteControl * rc)
{
  gchar *json = drive_command_json (rc->drive);
  GstFlowReturn ret;

  g_print ("Command: %s\n", json);
  fflush (stdout);
  g_signal_emit_by_name (rc->commands, "put-json", json, &ret);
  g_free (json);
}

/* The application thread: RTCBot's `while True: m = await conn.get()`. */
static gpointer
message_thread (gpointer user_data)
{
  RemoteControl *rc = user_data;

  while (!g_atomic_int_get (&rc->stop)) {
    GstSample *sample = NULL;
    GstBuffer *buffer;
    GstMapInfo map;

    g_signal_emit_by_name (rc->conn, "get", (guint64) GET_TIMEOUT, &sample);
    if (sample == NULL)
      continue;
    buffer = gst_sample_get_buffer (sample);
    if (buffer && gst_buffer_map (buffer, &map, GST_MAP_READ)) {
      g_mutex_lock (&rc->lock);
      if (drive_handle_message (rc->drive, (const gchar *) map.data, map.size))
        publish_command (rc);
      g_mutex_unlock (&rc->lock);
      gst_buffer_unmap (buffer, &map);
    }
    gst_sample_unref (sample);
  }
  return NULL;
}

static void
on_peer_message (RemoteControl * rc, const GstStructure * s)
{
  guint peer = 0;

  gst_structure_get_uint (s, "peer", &peer);
  if (gst_structure_has_name (s, "rtcbot-peer-connected")) {
    g_print ("Peer %u connected (%s)\n", peer,
        gst_structure_get_string (s, "address"));
  } else if (gst_structure_has_name (s, "rtcbot-peer-closed")) {
    g_print ("Peer %u left (%s)\n", peer,
        gst_structure_get_string (s, "address"));
    /* the keys it held will never be released: stop the robot */
    g_mutex_lock (&rc->lock);
    if (drive_stop (rc->drive))
      publish_command (rc);
    g_mutex_unlock (&rc->lock);
  }
  fflush (stdout);
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  RemoteControl *rc = user_data;
  GError *err = NULL;
  gchar *debug = NULL;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ELEMENT:
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT_CAST (rc->conn))
        on_peer_message (rc, gst_message_get_structure (msg));
      break;
    case GST_MESSAGE_WARNING:
      gst_message_parse_warning (msg, &err, &debug);
      g_printerr ("Warning from %s: %s\n", GST_OBJECT_NAME (msg->src),
          err->message);
      break;
    case GST_MESSAGE_ERROR:
      gst_message_parse_error (msg, &err, &debug);
      g_printerr ("ERROR from %s: %s\n", GST_OBJECT_NAME (msg->src),
          err->message);
      if (debug)
        g_printerr ("  (%s)\n", debug);
      rc->status = 1;
      g_main_loop_quit (rc->loop);
      break;
    case GST_MESSAGE_EOS:
      /* a camera that ends (unplugged) ends the robot */
      g_print ("The camera stream ended\n");
      g_main_loop_quit (rc->loop);
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
  RemoteControl *rc = user_data;

  g_print ("Stopping\n");
  g_main_loop_quit (rc->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration (gpointer user_data)
{
  RemoteControl *rc = user_data;

  rc->timeout = 0;
  g_main_loop_quit (rc->loop);
  return G_SOURCE_REMOVE;
}

/* The first video camera the system knows of, or NULL: one that gives raw
 * video or JPEG, since many USB cameras give their larger modes, or all of
 * them, only as JPEG. */
static GstDevice *
find_camera (void)
{
  GstDeviceMonitor *monitor = gst_device_monitor_new ();
  GstCaps *wanted = gst_caps_from_string ("video/x-raw; image/jpeg");
  GList *devices = NULL;
  GstDevice *camera = NULL;

  gst_device_monitor_add_filter (monitor, "Video/Source", wanted);
  gst_caps_unref (wanted);
  if (gst_device_monitor_start (monitor)) {
    devices = gst_device_monitor_get_devices (monitor);
    gst_device_monitor_stop (monitor);
  }
  if (devices)
    camera = gst_object_ref (devices->data);
  g_list_free_full (devices, gst_object_unref);
  gst_object_unref (monitor);
  return camera;
}

/* A moving picture with the time in it, so latency shows at a glance; the
 * clock is a decoration, so without it the pattern runs bare. */
static GstElement *
make_test_pattern (GError ** error)
{
  GstElementFactory *overlay = gst_element_factory_find ("clockoverlay");
  const gchar *description = overlay ?
      "videotestsrc is-live=true pattern=smpte horizontal-speed=2 "
      "! video/x-raw,width=640,height=480,framerate=30/1 "
      "! clockoverlay font-desc=\"Sans 28\"" :
      "videotestsrc is-live=true pattern=smpte horizontal-speed=2 "
      "! video/x-raw,width=640,height=480,framerate=30/1 ! identity";

  if (overlay == NULL) {
    gchar *why = gst_rtcbot_missing_element_text ("clockoverlay");

    g_printerr ("Warning: %s; the test pattern runs without the clock\n", why);
    g_free (why);
  }
  g_clear_object (&overlay);
  g_print ("Camera: test pattern\n");
  return gst_rtcbot_parse_bin (description, error);
}

/* What a camera named by --device offers: its caps once opened (READY),
 * NULL when it cannot be opened; the pipeline then reports why. */
static GstCaps *
probe_caps (GstElement * camera)
{
  GstCaps *caps = NULL;
  GstPad *pad;

  if (gst_element_set_state (camera, GST_STATE_READY) !=
      GST_STATE_CHANGE_FAILURE) {
    pad = gst_element_get_static_pad (camera, "src");
    caps = gst_pad_query_caps (pad, NULL);
    gst_object_unref (pad);
  }
  gst_element_set_state (camera, GST_STATE_NULL);
  if (caps && gst_caps_is_any (caps))
    gst_clear_caps (&caps);
  return caps;
}

/* The camera element; @offered is set to the caps it offers, or NULL when
 * they are not known (the test pattern, a device that does not open). */
static GstElement *
make_camera (GstCaps ** offered, GError ** error)
{
  GstDevice *found;
  GstElement *camera;
  gchar *name;

  *offered = NULL;
  if (device) {
    camera = gst_element_factory_make ("v4l2src", NULL);
    if (camera == NULL) {
      gchar *why = gst_rtcbot_missing_element_text ("v4l2src");

      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
          "--device needs v4l2src: %s", why);
      g_free (why);
      return NULL;
    }
    g_object_set (camera, "device", device, NULL);
    g_print ("Camera: %s\n", device);
    *offered = probe_caps (camera);
    return camera;
  }
  if (test_pattern || (found = find_camera ()) == NULL)
    return make_test_pattern (error);

  name = gst_device_get_display_name (found);
  g_print ("Camera: %s\n", name);
  g_free (name);
  camera = gst_device_create_element (found, NULL);
  if (camera)
    *offered = gst_device_get_caps (found);
  gst_object_unref (found);
  if (camera == NULL)
    return make_test_pattern (error);
  return camera;
}

static gboolean
caps_have_media (const GstCaps * caps, const gchar * media)
{
  guint i;

  for (i = 0; i < gst_caps_get_size (caps); i++) {
    if (gst_structure_has_name (gst_caps_get_structure (caps, i), media))
      return TRUE;
  }
  return FALSE;
}

/* What to ask the camera for: raw video when it gives it, else JPEG
 * (@jpeg is set: decoded after it), in a mode within --max-size when it
 * has one. Without such a mode it runs at what it chooses and videoscale
 * brings the video within the size. */
static GstCaps *
camera_caps (GstCaps * offered, gboolean * jpeg)
{
  const gchar *media;
  GstCaps *fitting;

  *jpeg = offered && !caps_have_media (offered, "video/x-raw")
      && caps_have_media (offered, "image/jpeg");
  media = *jpeg ? "image/jpeg" : "video/x-raw";
  if (offered == NULL)
    return gst_caps_new_empty_simple (media);
  fitting = gst_caps_new_simple (media,
      "width", GST_TYPE_INT_RANGE, 1, max_width,
      "height", GST_TYPE_INT_RANGE, 1, max_height, NULL);
  if (gst_caps_can_intersect (offered, fitting))
    return fitting;
  gst_caps_unref (fitting);
  return gst_caps_new_empty_simple (media);
}

/* Prints the size the video leaves the size filter with, when it is first
 * known and whenever the camera changes it (renegotiating the same caps
 * prints nothing). */
static GstPadProbeReturn
on_size_caps (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  RemoteControl *rc = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;
  GstStructure *s;
  gint width = 0, height = 0;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;
  gst_event_parse_caps (event, &caps);
  s = gst_caps_get_structure (caps, 0);
  if (gst_structure_get_int (s, "width", &width)
      && gst_structure_get_int (s, "height", &height)
      && (width != rc->width || height != rc->height)) {
    rc->width = width;
    rc->height = height;
    g_print ("Video: %dx%d\n", width, height);
    fflush (stdout);
  }
  return GST_PAD_PROBE_OK;
}

/* The camera, the connection and the command fan-out; NULL and @error
 * when an element is missing. */
static GstElement *
make_pipeline (RemoteControl * rc, GError ** error)
{
  GstElement *pipeline, *camera, *element;
  GstCaps *offered, *caps;
  GstPad *pad;
  gboolean jpeg;
  gchar *description;

  camera = make_camera (&offered, error);
  if (camera == NULL)
    return NULL;
  caps = camera_caps (offered, &jpeg);
  g_clear_pointer (&offered, gst_caps_unref);

  /* congestion-control is left at its default, adaptive: the bitrate, and
   * below it frame rate and size, follow each browser's link; a motor link
   * retries at least every 2 s, whatever the backoff */
  description = g_strdup_printf ("capsfilter name=camera-caps %s"
      "! videoscale ! capsfilter name=size ! videoconvert "
      "! rtcbotwebrtcbin name=conn listen-port=%d "
      "rtcbotsrc name=commands caps=application/x-json ! conn.sink_0%s",
      jpeg ? "! jpegdec " : "", port,
      ws_url ? " commands. ! motor.sink_0 rtcbotwebsocketbin "
      "name=motor reconnect=true reconnect-max=2000" : "");
  pipeline = gst_rtcbot_parse_launch (description, 0, error);
  g_free (description);
  if (pipeline == NULL) {
    gst_caps_unref (caps);
    gst_object_unref (gst_object_ref_sink (camera));
    return NULL;
  }
  if (jpeg)
    g_print ("The camera gives JPEG: decoding it\n");

  /* set as properties, so no quoting of user input in the launch line */
  element = gst_bin_get_by_name (GST_BIN (pipeline), "camera-caps");
  g_object_set (element, "caps", caps, NULL);
  gst_bin_add (GST_BIN (pipeline), camera);
  gst_element_link (camera, element);
  gst_object_unref (element);
  gst_caps_unref (caps);

  /* square pixels: browsers show the video as if they were */
  element = gst_bin_get_by_name (GST_BIN (pipeline), "size");
  caps = gst_caps_new_simple ("video/x-raw",
      "width", GST_TYPE_INT_RANGE, 1, max_width,
      "height", GST_TYPE_INT_RANGE, 1, max_height,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, NULL);
  g_object_set (element, "caps", caps, NULL);
  gst_caps_unref (caps);
  pad = gst_element_get_static_pad (element, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_size_caps,
      rc, NULL);
  gst_object_unref (pad);
  gst_object_unref (element);

  rc->conn = gst_bin_get_by_name (GST_BIN (pipeline), "conn");
  rc->commands = gst_bin_get_by_name (GST_BIN (pipeline), "commands");
  g_object_set (rc->conn, "listen-host", host, NULL);
  if (ws_url) {
    element = gst_bin_get_by_name (GST_BIN (pipeline), "motor");
    g_object_set (element, "url", ws_url, NULL);
    gst_object_unref (element);
    g_print ("Commands also go to %s\n", ws_url);
  }
  return pipeline;
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

/* "WIDTHxHEIGHT", each side MIN_SIDE..MAX_SIDE pixels; nothing else, not
 * even spaces, so that the Python demo accepts exactly the same. */
static gboolean
parse_size (const gchar * text, gint * width, gint * height)
{
  gsize w_len = strspn (text, "0123456789");
  gsize h_len;
  guint64 w, h;

  if (w_len == 0 || w_len > 5 || text[w_len] != 'x')
    return FALSE;
  h_len = strspn (text + w_len + 1, "0123456789");
  if (h_len == 0 || h_len > 5 || text[w_len + 1 + h_len] != '\0')
    return FALSE;
  w = g_ascii_strtoull (text, NULL, 10);
  h = g_ascii_strtoull (text + w_len + 1, NULL, 10);
  if (w < MIN_SIDE || w > MAX_SIDE || h < MIN_SIDE || h > MAX_SIDE)
    return FALSE;
  *width = w;
  *height = h;
  return TRUE;
}

static gboolean
parse_options (int *argc, char ***argv)
{
  GOptionContext *ctx;
  GError *error = NULL;
  gboolean ok;

  ctx = g_option_context_new ("- drive a robot from a browser: camera to "
      "the page, keyboard and gamepad back");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  ok = g_option_context_parse (ctx, argc, argv, &error);
  g_option_context_free (ctx);
  if (!ok) {
    g_printerr ("%s\n", error->message);
    g_clear_error (&error);
    return FALSE;
  }
  if (port < 0 || port > 65535) {
    g_printerr ("--port must be between 0 and 65535\n");
    return FALSE;
  }
  if (device && test_pattern) {
    g_printerr ("--device and --test-pattern exclude each other\n");
    return FALSE;
  }
  if (!parse_size (max_size ? max_size : DEFAULT_MAX_SIZE, &max_width,
          &max_height)) {
    g_printerr ("--max-size must be WIDTHxHEIGHT with each side %d to %d "
        "pixels, e.g. 1280x720, not \"%s\"\n", MIN_SIDE, MAX_SIDE, max_size);
    return FALSE;
  }
  if (host == NULL)
    host = g_strdup ("127.0.0.1");
  return TRUE;
}

static void
run (RemoteControl * rc, GstBus * bus)
{
  GThread *thread;
  GstSample *sample = NULL;
  gint bound_port = 0;
  guint sigint, sigterm;

  /* the first get subscribes: nothing a browser sends from now on is lost */
  g_signal_emit_by_name (rc->conn, "get", (guint64) 0, &sample);
  g_clear_pointer (&sample, gst_sample_unref);
  g_object_get (rc->conn, "bound-port", &bound_port, NULL);
  if (g_str_equal (host, "0.0.0.0"))
    g_print ("Open http://<this machine's address>:%d/ in a browser\n",
        bound_port);
  else
    g_print ("Open http://%s:%d/ in a browser\n", host, bound_port);
  g_print ("Drive with W/A/S/D, the arrow keys or a gamepad; Ctrl-C "
      "stops\n");
  fflush (stdout);

  rc->loop = g_main_loop_new (NULL, FALSE);
  gst_bus_add_watch (bus, on_bus_message, rc);
  sigint = g_unix_signal_add (SIGINT, on_signal, rc);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, rc);
  if (duration > 0)
    rc->timeout = g_timeout_add ((guint) (duration * 1000), on_duration, rc);
  thread = g_thread_new ("remotecontrol-messages", message_thread, rc);

  g_main_loop_run (rc->loop);

  g_atomic_int_set (&rc->stop, 1);
  g_thread_join (thread);
  /* tell the browsers before the connections are torn down */
  g_signal_emit_by_name (rc->conn, "close");

  if (rc->timeout)
    g_source_remove (rc->timeout);
  g_source_remove (sigterm);
  g_source_remove (sigint);
  gst_bus_remove_watch (bus);
  g_main_loop_unref (rc->loop);
}

int
main (int argc, char **argv)
{
  GError *error = NULL;
  RemoteControl rc = { NULL, };
  GstBus *bus;

  if (!parse_options (&argc, &argv))
    return 2;

  g_mutex_init (&rc.lock);
  rc.drive = drive_new ();
  rc.pipeline = make_pipeline (&rc, &error);
  if (rc.pipeline == NULL) {
    g_printerr ("%s\n", error->message);
    g_clear_error (&error);
    rc.status = 1;
    goto out;
  }

  bus = gst_element_get_bus (rc.pipeline);
  if (gst_element_set_state (rc.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    print_bus_errors (bus);
    rc.status = 1;
  } else {
    run (&rc, bus);
  }
  gst_element_set_state (rc.pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (rc.commands);
  gst_object_unref (rc.conn);
  gst_object_unref (rc.pipeline);

out:
  drive_free (rc.drive);
  g_mutex_clear (&rc.lock);
  g_free (host);
  g_free (device);
  g_free (ws_url);
  g_free (max_size);
  return rc.status;
}
