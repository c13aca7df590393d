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


/* RTCBot's producer/consumer model with rtcbotsrc and rtcbotsink:
 *
 *  - a producer ("imu") fans JSON sensor readings out to two
 *    subscriptions: a printing one that sees every reading, and a slow
 *    dashboard whose subscription has policy=latest, so it only ever sees
 *    the newest reading;
 *  - a consumer ("motors") is linked to two producers ("joystick" and
 *    "autopilot") and switches between them half-way, like RTCBot's
 *    putSubscription.
 *
 * The application calls the elements directly (gst_rtcbot_src_put_json(),
 * gst_rtcbot_sink_get()), from libgstrtcbot-1.0, rather than through their
 * action signals.
 *
 * Run: GST_PLUGIN_PATH=build/gst/rtcbot build/examples/sensors
 * Build outside this tree (libgstrtcbot-1.0-dev installed):
 *   gcc sensors.c -o sensors $(pkg-config --cflags --libs gstreamer-rtcbot-1.0)
 */

#include <stdlib.h>
#include <gst/gst.h>
#include <gst/rtcbot/gstrtcbotmissing.h>
#include <gst/rtcbot/gstrtcbotsink.h>
#include <gst/rtcbot/gstrtcbotsrc.h>

#define READING_INTERVAL_MS 20

static gdouble duration = 3.0;

static GOptionEntry entries[] = {
  {"duration", 'd', 0, G_OPTION_ARG_DOUBLE, &duration,
      "Seconds to run (default 3)", "SECONDS"},
  {NULL}
};

typedef struct
{
  GstElement *pipeline;
  GstElement *imu, *printer, *dashboard;
  GstElement *joystick, *autopilot, *motors;
  guint readings, printed, dashboard_seen;
  gboolean switched;
} Demo;

static gchar *
sample_to_string (GstSample * sample)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;
  gchar *text;

  gst_buffer_map (buffer, &map, GST_MAP_READ);
  text = g_strndup ((const gchar *) map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  return text;
}

/* The printing subscriber: every message, as it arrives. */
static GstFlowReturn
on_printer_data (GstElement * printer, Demo * demo)
{
  GstSample *sample = NULL;
  gchar *text;

  sample = gst_rtcbot_sink_get (GST_RTCBOT_SINK (printer), 0);
  if (sample == NULL)
    return GST_FLOW_OK;
  text = sample_to_string (sample);
  if (demo->printed++ % 25 == 0)
    g_print ("printer   <- %s\n", text);
  g_free (text);
  gst_sample_unref (sample);
  return GST_FLOW_OK;
}

/* The slow dashboard looks only every 250 ms: `latest` gives it the
 * newest reading, never a backlog. */
static gboolean
poll_dashboard (Demo * demo)
{
  GstSample *sample;
  gchar *text;

  while (TRUE) {
    sample = gst_rtcbot_sink_get (GST_RTCBOT_SINK (demo->dashboard), 0);
    if (sample == NULL)
      break;
    text = sample_to_string (sample);
    demo->dashboard_seen++;
    g_print ("dashboard <- %s (latest)\n", text);
    g_free (text);
    gst_sample_unref (sample);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
produce (Demo * demo)
{
  gchar *json;
  gdouble t = demo->readings * READING_INTERVAL_MS / 1000.0;

  json = g_strdup_printf ("{\"seq\": %u, \"t\": %.2f, \"accel\": "
      "[%.3f, %.3f, 9.81]}", demo->readings, t, 0.1 * (demo->readings % 7),
      -0.05 * (demo->readings % 5));
  gst_rtcbot_src_put_json (GST_RTCBOT_SRC (demo->imu), json);
  g_free (json);
  demo->readings++;

  gst_rtcbot_src_put_json (GST_RTCBOT_SRC (demo->joystick),
      "{\"forward\": 1, \"leftright\": 0}");
  gst_rtcbot_src_put_json (GST_RTCBOT_SRC (demo->autopilot),
      "{\"forward\": 0.5, \"leftright\": -0.25}");
  return G_SOURCE_CONTINUE;
}

static gboolean
drive (Demo * demo)
{
  GstSample *sample;
  GstPad *active = NULL;
  gchar *text;

  sample = gst_rtcbot_sink_get (GST_RTCBOT_SINK (demo->motors), 0);
  if (sample == NULL)
    return G_SOURCE_CONTINUE;
  g_object_get (demo->motors, "active-pad", &active, NULL);
  text = sample_to_string (sample);
  g_print ("motors    <- %s via %s\n", text,
      active ? GST_PAD_NAME (active) : "put");
  g_free (text);
  gst_clear_object (&active);
  gst_sample_unref (sample);
  return G_SOURCE_CONTINUE;
}

static gboolean
switch_to_autopilot (Demo * demo)
{
  GstPad *pad = gst_element_get_static_pad (demo->motors, "sink_1");

  g_print ("motors: switching subscription to the autopilot (sink_1)\n");
  g_object_set (demo->motors, "active-pad", pad, NULL);
  gst_object_unref (pad);
  demo->switched = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
end_demo (GMainLoop * loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static gboolean
on_bus (GstBus * bus, GstMessage * msg, GMainLoop * loop)
{
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_ERROR:{
      GError *err = NULL;
      gchar *dbg = NULL;

      gst_message_parse_error (msg, &err, &dbg);
      g_printerr ("error from %s: %s (%s)\n", GST_OBJECT_NAME (msg->src),
          err->message, dbg ? dbg : "");
      g_clear_error (&err);
      g_free (dbg);
      g_main_loop_quit (loop);
      break;
    }
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (msg, "rtcbot-ready")) {
        gboolean ready = FALSE;

        gst_structure_get_boolean (gst_message_get_structure (msg), "ready",
            &ready);
        if (ready)
          g_print ("%s is ready\n", GST_OBJECT_NAME (msg->src));
      }
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  GOptionContext *ctx;
  GError *error = NULL;
  GMainLoop *loop;
  GstBus *bus;
  Demo demo = { 0 };
  gint status = EXIT_SUCCESS;

  ctx = g_option_context_new ("- RTCBot producers and consumers in GStreamer");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }
  g_option_context_free (ctx);

  demo.pipeline = gst_rtcbot_parse_launch (
      /* one producer, two subscriptions */
      "rtcbotsrc name=imu "
      "imu.src_0 ! rtcbotsink name=printer emit-signals=true "
      "imu.src_1 ! rtcbotsink name=dashboard policy=latest "
      /* two producers, one consumer */
      "rtcbotsrc name=joystick ! motors.sink_0 "
      "rtcbotsrc name=autopilot ! motors.sink_1 "
      "rtcbotsink name=motors policy=latest", 0, &error);
  if (demo.pipeline == NULL) {
    g_printerr ("Could not build the pipeline: %s\n", error->message);
    return EXIT_FAILURE;
  }
#define GET(name) gst_bin_get_by_name (GST_BIN (demo.pipeline), name)
  demo.imu = GET ("imu");
  demo.printer = GET ("printer");
  demo.dashboard = GET ("dashboard");
  demo.joystick = GET ("joystick");
  demo.autopilot = GET ("autopilot");
  demo.motors = GET ("motors");
#undef GET
  {
    /* the dashboard's subscription keeps only the newest reading */
    GstPad *pad = gst_element_get_static_pad (demo.imu, "src_1");

    gst_util_set_object_arg (G_OBJECT (pad), "policy", "latest");
    gst_object_unref (pad);
  }

  loop = g_main_loop_new (NULL, FALSE);
  bus = gst_element_get_bus (demo.pipeline);
  gst_bus_add_watch (bus, (GstBusFunc) on_bus, loop);
  g_signal_connect (demo.printer, "new-data", G_CALLBACK (on_printer_data),
      &demo);

  gst_element_set_state (demo.pipeline, GST_STATE_PLAYING);
  g_timeout_add (READING_INTERVAL_MS, (GSourceFunc) produce, &demo);
  g_timeout_add (250, (GSourceFunc) poll_dashboard, &demo);
  g_timeout_add (200, (GSourceFunc) drive, &demo);
  g_timeout_add ((guint) (duration * 500), (GSourceFunc) switch_to_autopilot,
      &demo);
  g_timeout_add ((guint) (duration * 1000), (GSourceFunc) end_demo, loop);
  g_main_loop_run (loop);

  g_print ("\n%u readings put; printer saw %u, the `latest` dashboard %u\n",
      demo.readings, demo.printed, demo.dashboard_seen);
  if (demo.readings == 0 || demo.printed == 0 || demo.dashboard_seen == 0
      || !demo.switched)
    status = EXIT_FAILURE;

  gst_element_set_state (demo.pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (bus);
  gst_object_unref (demo.imu);
  gst_object_unref (demo.printer);
  gst_object_unref (demo.dashboard);
  gst_object_unref (demo.joystick);
  gst_object_unref (demo.autopilot);
  gst_object_unref (demo.motors);
  gst_object_unref (demo.pipeline);
  g_main_loop_unref (loop);
  return status;
}
