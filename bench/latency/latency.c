/* bench/latency/latency: send->decode latency of video over loopback WebRTC.
 *
 * One process, two pipelines on the same clock:
 *
 *   sender:   videotestsrc is-live=true ! video/x-raw,format=I420,W,H,30/1
 *             ! [stamp probe] ! rtcbotwebrtcbin listen-port=0
 *   receiver: rtcbotwebrtcbin connect-url=http://127.0.0.1:PORT/connect
 *             latency=MS, video_src_%u ! [decode probe] ! queue
 *             ! fakesink sync=true [render handoff]
 *
 * The stamp probe writes a 20-bit frame counter into the top of the luma
 * plane as two rows of big blocks (a block per bit, Y=235 for 1, Y=16 for
 * 0; the second row holds the complement, so a frame whose blocks were
 * smeared by the lossy VP8 coding is detected instead of misread) and
 * records g_get_monotonic_time () for that counter.  The receiver reads the
 * counter back from the decoded frame (threshold 128 on the mean of each
 * block's centre) on the video_src pad ("decoded": what an application
 * linking the pad sees) and again in the handoff of a synchronising sink
 * ("rendered": when a video sink would show it, i.e. after the pipeline
 * latency, which includes the jitterbuffer's `latency`).
 *
 * Measurement starts --warmup seconds after the first decoded frame and
 * lasts --duration seconds.  Prints one JSON object on stdout with every
 * latency sample (ms), the frames that could not be read, the frames that
 * went backwards and the frames stamped in the window.
 *
 *   latency --width 640 --height 480 --receiver-latency 50 --duration 10
 *           [--warmup 2] [--png FILE] [--timeout S]
 *
 * GST_PLUGIN_PATH_1_0 must reach gst/rtcbot and ext/webrtc of the build;
 * bench/latency/run.py sets it and runs the configurations.
 */

#include <gst/gst.h>
#include <gst/video/video.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BITS 20
#define RING 4096               /* > 2 minutes of frames at 30 fps */

typedef struct
{
  guint32 counter;
  gint64 time;
} Stamp;

typedef struct
{
  GMutex lock;
  GMainLoop *loop;

  gint width, height, block;
  gint64 warmup_us, duration_us;

  /* sender */
  guint32 next_counter;
  Stamp ring[RING];
  guint sent;                   /* stamped inside the window */

  /* receiver */
  gint64 first_decoded, window_start, window_end;
  gboolean have_last;
  guint32 last_counter;
  GArray *decoded, *rendered;   /* gdouble ms */
  guint unreadable, non_monotonic, render_unreadable;
  guint total_decoded;
  gboolean finished;
  gchar *png_path;
  GstSample *snapshot;
  guint32 snapshot_counter;

  gchar *error;
  gboolean video_linked;
  GstElement *receiver;
} Bench;

static void
fail (Bench * b, const gchar * message)
{
  g_mutex_lock (&b->lock);
  if (b->error == NULL)
    b->error = g_strdup (message);
  g_mutex_unlock (&b->lock);
  g_main_loop_quit (b->loop);
}

/* ---------------------------------------------------------------------- */
/* the stamp                                                               */

static void
write_stamp (Bench * b, GstVideoFrame * frame, guint32 counter)
{
  guint8 *y = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  gint row, bit, line;

  for (row = 0; row < 2; row++) {
    for (bit = 0; bit < BITS; bit++) {
      gboolean one = (counter >> (BITS - 1 - bit)) & 1;
      guint8 value;

      if (row == 1)
        one = !one;
      value = one ? 235 : 16;
      for (line = 0; line < b->block; line++)
        memset (y + (gsize) (row * b->block + line) * stride + bit * b->block,
            value, b->block);
    }
  }
}

/* Mean luma of the centre quarter of a block. */
static guint
block_mean (Bench * b, const guint8 * y, gint stride, gint row, gint bit)
{
  gint x0 = bit * b->block + b->block * 3 / 8;
  gint y0 = row * b->block + b->block * 3 / 8;
  gint n = b->block / 4, i, j;
  guint sum = 0;

  for (j = 0; j < n; j++)
    for (i = 0; i < n; i++)
      sum += y[(gsize) (y0 + j) * stride + x0 + i];
  return sum / (n * n);
}

/* The counter of a decoded frame; FALSE if a bit and its complement agree. */
static gboolean
read_stamp (Bench * b, GstVideoFrame * frame, guint32 * counter)
{
  const guint8 *y = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  guint32 value = 0;
  gint bit;

  if (GST_VIDEO_FRAME_WIDTH (frame) < BITS * b->block
      || GST_VIDEO_FRAME_HEIGHT (frame) < 2 * b->block)
    return FALSE;
  for (bit = 0; bit < BITS; bit++) {
    gboolean one = block_mean (b, y, stride, 0, bit) >= 128;
    gboolean complement = block_mean (b, y, stride, 1, bit) >= 128;

    if (one == complement)
      return FALSE;
    value = (value << 1) | (one ? 1 : 0);
  }
  *counter = value;
  return TRUE;
}

/* Send time of @counter, or -1 if it was never stamped (misread). */
static gint64
lookup (Bench * b, guint32 counter)
{
  Stamp *s = &b->ring[counter % RING];

  return (s->time != 0 && s->counter == counter) ? s->time : -1;
}

/* ---------------------------------------------------------------------- */
/* sender                                                                  */

static GstPadProbeReturn
stamp_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Bench *b = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstVideoInfo vinfo;
  GstVideoFrame frame;
  guint32 counter;
  gint64 now;

  if (caps == NULL || !gst_video_info_from_caps (&vinfo, caps)) {
    gst_clear_caps (&caps);
    return GST_PAD_PROBE_OK;
  }
  gst_caps_unref (caps);

  buf = gst_buffer_make_writable (buf);
  GST_PAD_PROBE_INFO_DATA (info) = buf;
  if (!gst_video_frame_map (&frame, &vinfo, buf, GST_MAP_WRITE))
    return GST_PAD_PROBE_OK;

  g_mutex_lock (&b->lock);
  counter = b->next_counter++ & ((1u << BITS) - 1);
  g_mutex_unlock (&b->lock);
  write_stamp (b, &frame, counter);
  gst_video_frame_unmap (&frame);

  /* The send time is taken once the stamp is written: what follows is the
   * element's queue, the encoder, RTP, the network and the receiver. */
  now = g_get_monotonic_time ();
  g_mutex_lock (&b->lock);
  b->ring[counter % RING].counter = counter;
  b->ring[counter % RING].time = now;
  if (b->window_start != 0 && now >= b->window_start && now < b->window_end)
    b->sent++;
  g_mutex_unlock (&b->lock);
  return GST_PAD_PROBE_OK;
}

/* ---------------------------------------------------------------------- */
/* receiver                                                                */

static gboolean
quit_idle (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static GstPadProbeReturn
decoded_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Bench *b = user_data;
  gint64 now = g_get_monotonic_time ();
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstVideoInfo vinfo;
  GstVideoFrame frame;
  guint32 counter = 0;
  gboolean readable, in_window;
  gint64 sent;

  if (caps == NULL || !gst_video_info_from_caps (&vinfo, caps)) {
    gst_clear_caps (&caps);
    return GST_PAD_PROBE_OK;
  }
  if (!gst_video_frame_map (&frame, &vinfo, buf, GST_MAP_READ)) {
    gst_caps_unref (caps);
    return GST_PAD_PROBE_OK;
  }
  readable = read_stamp (b, &frame, &counter);
  gst_video_frame_unmap (&frame);

  g_mutex_lock (&b->lock);
  if (b->finished) {
    g_mutex_unlock (&b->lock);
    gst_caps_unref (caps);
    return GST_PAD_PROBE_OK;
  }
  b->total_decoded++;
  if (b->first_decoded == 0) {
    b->first_decoded = now;
    b->window_start = now + b->warmup_us;
    b->window_end = b->window_start + b->duration_us;
  }
  in_window = now >= b->window_start && now < b->window_end;
  sent = readable ? lookup (b, counter) : -1;
  if (in_window) {
    if (sent < 0) {
      b->unreadable++;
    } else if (b->have_last && counter <= b->last_counter) {
      b->non_monotonic++;
    } else {
      gdouble ms = (now - sent) / 1000.0;

      g_array_append_val (b->decoded, ms);
      if (b->png_path && b->snapshot == NULL) {
        b->snapshot = gst_sample_new (buf, caps, NULL, NULL);
        b->snapshot_counter = counter;
      }
    }
  }
  if (sent >= 0) {
    b->have_last = TRUE;
    b->last_counter = counter;
  }
  if (now >= b->window_end) {
    b->finished = TRUE;
    g_idle_add (quit_idle, b->loop);
  }
  g_mutex_unlock (&b->lock);
  gst_caps_unref (caps);
  return GST_PAD_PROBE_OK;
}

static void
on_render (GstElement * sink, GstBuffer * buf, GstPad * pad, gpointer user_data)
{
  Bench *b = user_data;
  gint64 now = g_get_monotonic_time ();
  GstCaps *caps = gst_pad_get_current_caps (pad);
  GstVideoInfo vinfo;
  GstVideoFrame frame;
  guint32 counter;
  gboolean readable;

  if (caps == NULL || !gst_video_info_from_caps (&vinfo, caps)) {
    gst_clear_caps (&caps);
    return;
  }
  gst_caps_unref (caps);
  if (!gst_video_frame_map (&frame, &vinfo, buf, GST_MAP_READ))
    return;
  readable = read_stamp (b, &frame, &counter);
  gst_video_frame_unmap (&frame);

  g_mutex_lock (&b->lock);
  if (!b->finished && b->window_start != 0 && now >= b->window_start
      && now < b->window_end) {
    gint64 sent = readable ? lookup (b, counter) : -1;

    if (sent < 0) {
      b->render_unreadable++;
    } else {
      gdouble ms = (now - sent) / 1000.0;

      g_array_append_val (b->rendered, ms);
    }
  }
  g_mutex_unlock (&b->lock);
}

/* Decoded video: a queue and a synchronising fakesink, so that the decode
 * probe sees frames as the decoder outputs them and the sink's handoff sees
 * them when a video sink would show them. */
static void
on_pad_added (GstElement * element, GstPad * pad, gpointer user_data)
{
  Bench *b = user_data;
  GstElement *pipeline = GST_ELEMENT (gst_element_get_parent (element));
  GstElement *queue, *sink;
  GstPad *sinkpad;

  if (!g_str_has_prefix (GST_PAD_NAME (pad), "video_src_")) {
    gst_object_unref (pipeline);
    return;
  }
  g_mutex_lock (&b->lock);
  if (b->video_linked) {
    g_mutex_unlock (&b->lock);
    gst_object_unref (pipeline);
    return;
  }
  b->video_linked = TRUE;
  g_mutex_unlock (&b->lock);

  queue = gst_element_factory_make ("queue", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (queue, "max-size-buffers", 0, "max-size-bytes", 0,
      "max-size-time", (guint64) 2 * GST_SECOND, NULL);
  g_object_set (sink, "sync", TRUE, "async", FALSE, "signal-handoffs", TRUE,
      "qos", FALSE, NULL);
  g_signal_connect (sink, "handoff", G_CALLBACK (on_render), b);
  gst_bin_add_many (GST_BIN (pipeline), queue, sink, NULL);
  gst_element_link (queue, sink);
  gst_element_sync_state_with_parent (sink);
  gst_element_sync_state_with_parent (queue);
  sinkpad = gst_element_get_static_pad (queue, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, decoded_probe, b, NULL);
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    fail (b, "cannot link the received video");
  gst_object_unref (sinkpad);
  gst_object_unref (pipeline);
}

/* ---------------------------------------------------------------------- */

static gboolean
on_bus (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Bench *b = user_data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *text;

    gst_message_parse_error (msg, &err, NULL);
    text = g_strdup_printf ("%s: %s", GST_OBJECT_NAME (msg->src), err->message);
    fail (b, text);
    g_free (text);
    g_error_free (err);
  }
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer user_data)
{
  Bench *b = user_data;

  g_mutex_lock (&b->lock);
  if (b->first_decoded == 0) {
    g_mutex_unlock (&b->lock);
    fail (b, "no decoded video arrived before --timeout");
    return G_SOURCE_REMOVE;
  }
  g_mutex_unlock (&b->lock);
  fail (b, "the measurement did not finish before --timeout "
      "(the received video stopped?)");
  return G_SOURCE_REMOVE;
}

static void
print_array (const gchar * name, GArray * a)
{
  guint i;

  printf ("\"%s\": [", name);
  for (i = 0; i < a->len; i++)
    printf ("%s%.3f", i ? ", " : "", g_array_index (a, gdouble, i));
  printf ("]");
}

static void
save_png (Bench * b)
{
  GError *err = NULL;
  GstCaps *png = gst_caps_new_empty_simple ("image/png");
  GstSample *out = gst_video_convert_sample (b->snapshot, png,
      5 * GST_SECOND, &err);
  GstMapInfo map;

  gst_caps_unref (png);
  if (out == NULL) {
    g_printerr ("cannot convert the snapshot to PNG: %s\n",
        err ? err->message : "?");
    g_clear_error (&err);
    return;
  }
  gst_buffer_map (gst_sample_get_buffer (out), &map, GST_MAP_READ);
  if (!g_file_set_contents (b->png_path, (const gchar *) map.data, map.size,
          &err)) {
    g_printerr ("%s\n", err->message);
    g_clear_error (&err);
  } else {
    g_printerr ("saved decoded frame with counter %u to %s\n",
        b->snapshot_counter, b->png_path);
  }
  gst_buffer_unmap (gst_sample_get_buffer (out), &map);
  gst_sample_unref (out);
}

int
main (int argc, char **argv)
{
  gint width = 640, height = 480, receiver_latency = 50;
  gdouble warmup = 2.0, duration = 10.0, timeout = 0;
  gchar *png = NULL;
  GOptionEntry entries[] = {
    {"width", 0, 0, G_OPTION_ARG_INT, &width, "frame width", "W"},
    {"height", 0, 0, G_OPTION_ARG_INT, &height, "frame height", "H"},
    {"receiver-latency", 0, 0, G_OPTION_ARG_INT, &receiver_latency,
        "`latency` of the receiving rtcbotwebrtcbin (ms)", "MS"},
    {"warmup", 0, 0, G_OPTION_ARG_DOUBLE, &warmup,
        "seconds after the first decoded frame before measuring", "S"},
    {"duration", 0, 0, G_OPTION_ARG_DOUBLE, &duration,
        "seconds measured", "S"},
    {"timeout", 0, 0, G_OPTION_ARG_DOUBLE, &timeout,
        "give up after S seconds (default warmup + duration + 30)", "S"},
    {"png", 0, 0, G_OPTION_ARG_FILENAME, &png,
        "save the first measured decoded frame as a PNG", "FILE"},
    {NULL}
  };
  GOptionContext *ctx;
  GError *err = NULL;
  Bench b;
  GstElement *sender, *receiver, *conn, *filter;
  GstPad *pad;
  gchar *description, *url;
  gint port = 0;
  gint64 started;
  gdouble setup_s;
  int status = 0;

  ctx = g_option_context_new ("- send->decode latency over rtcbotwebrtcbin");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("%s\n", err->message);
    return 2;
  }
  g_option_context_free (ctx);
  /* The JSON on stdout needs '.' decimal points whatever the locale. */
  setlocale (LC_NUMERIC, "C");
  if (timeout <= 0)
    timeout = warmup + duration + 30;
  /* Whatever happens (a webrtcbin that does not stop, say), the process
   * ends: SIGALRM's default action terminates it. */
  alarm ((guint) timeout + 30);

  memset (&b, 0, sizeof (b));
  g_mutex_init (&b.lock);
  b.loop = g_main_loop_new (NULL, FALSE);
  b.width = width;
  b.height = height;
  /* Blocks on the 16-pixel macroblock grid, as large as 20 fit across. */
  b.block = (width / BITS) & ~15;
  b.warmup_us = (gint64) (warmup * G_USEC_PER_SEC);
  b.duration_us = (gint64) (duration * G_USEC_PER_SEC);
  b.next_counter = 1;
  b.decoded = g_array_new (FALSE, FALSE, sizeof (gdouble));
  b.rendered = g_array_new (FALSE, FALSE, sizeof (gdouble));
  b.png_path = png;
  if (b.block < 16 || height < 2 * b.block) {
    g_printerr ("%dx%d is too small for the stamp\n", width, height);
    return 2;
  }

  description = g_strdup_printf ("videotestsrc is-live=true "
      "! capsfilter name=filter caps=video/x-raw,format=I420,width=%d,"
      "height=%d,framerate=30/1 ! rtcbotwebrtcbin name=conn listen-port=0",
      width, height);
  sender = gst_parse_launch (description, &err);
  g_free (description);
  /* A missing element is an error with a partial pipeline. */
  if (err != NULL) {
    g_printerr ("sender: %s (is GST_PLUGIN_PATH_1_0 set to the build's "
        "gst/rtcbot and ext/webrtc?)\n", err->message);
    return 1;
  }
  filter = gst_bin_get_by_name (GST_BIN (sender), "filter");
  pad = gst_element_get_static_pad (filter, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, stamp_probe, &b, NULL);
  gst_object_unref (pad);
  gst_object_unref (filter);
  gst_bus_add_watch (GST_ELEMENT_BUS (sender), on_bus, &b);

  started = g_get_monotonic_time ();
  if (gst_element_set_state (sender, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("the sender does not start\n");
    return 1;
  }
  conn = gst_bin_get_by_name (GST_BIN (sender), "conn");
  g_object_get (conn, "bound-port", &port, NULL);
  gst_object_unref (conn);
  if (port <= 0) {
    g_printerr ("the sender has no bound-port\n");
    return 1;
  }

  receiver = gst_pipeline_new ("receiver");
  b.receiver = receiver;
  conn = gst_element_factory_make ("rtcbotwebrtcbin", "viewer");
  if (conn == NULL) {
    g_printerr ("rtcbotwebrtcbin is missing (GST_PLUGIN_PATH_1_0?)\n");
    return 1;
  }
  url = g_strdup_printf ("http://127.0.0.1:%d/connect", port);
  /* `latency` is read on READY->PAUSED: set before the state change. */
  g_object_set (conn, "connect-url", url, "latency",
      (guint) receiver_latency, NULL);
  g_free (url);
  g_signal_connect (conn, "pad-added", G_CALLBACK (on_pad_added), &b);
  gst_bin_add (GST_BIN (receiver), conn);
  gst_bus_add_watch (GST_ELEMENT_BUS (receiver), on_bus, &b);
  if (gst_element_set_state (receiver, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    g_printerr ("the receiver does not start\n");
    return 1;
  }

  g_timeout_add ((guint) (timeout * 1000), on_timeout, &b);
  g_main_loop_run (b.loop);

  g_mutex_lock (&b.lock);
  b.finished = TRUE;
  setup_s = b.first_decoded ? (b.first_decoded - started) / 1e6 : -1;
  g_mutex_unlock (&b.lock);

  /* Close first so that the sender sees the peer go (see the element's
   * known limits), then stop both. */
  g_signal_emit_by_name (conn, "close");
  gst_element_set_state (receiver, GST_STATE_NULL);
  gst_element_set_state (sender, GST_STATE_NULL);

  if (b.error) {
    g_printerr ("%s\n", b.error);
    status = 1;
  } else {
    printf ("{\"width\": %d, \"height\": %d, \"receiver_latency_ms\": %d, "
        "\"warmup_s\": %.3f, \"duration_s\": %.3f, \"setup_s\": %.3f, "
        "\"block\": %d, \"total_decoded\": %u, \"sent\": %u, "
        "\"unreadable\": %u, \"non_monotonic\": %u, "
        "\"render_unreadable\": %u, ", width, height, receiver_latency,
        warmup, duration, setup_s, b.block, b.total_decoded, b.sent,
        b.unreadable, b.non_monotonic, b.render_unreadable);
    print_array ("decoded_ms", b.decoded);
    printf (", ");
    print_array ("rendered_ms", b.rendered);
    printf ("}\n");
    fflush (stdout);
    if (b.snapshot)
      save_png (&b);
  }

  if (b.snapshot)
    gst_sample_unref (b.snapshot);
  gst_object_unref (receiver);
  gst_object_unref (sender);
  g_array_unref (b.decoded);
  g_array_unref (b.rendered);
  g_main_loop_unref (b.loop);
  g_free (b.error);
  g_free (png);
  return status;
}
