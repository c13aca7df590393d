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

#include "gstrtcbotwebrtcbinprivate.h"
#include "gstrtcbotmissing.h"
#include <gst/video/video.h>

/* ---------------------------------------------------------------------- */
/* media inputs: encode once, tee to every peer                           */

static GstElement *
make (GstRtcbotWebrtcBin * self, const gchar * factory)
{
  return gst_rtcbot_make_element (GST_ELEMENT_CAST (self), factory);
}

GstElement *
gst_rtcbot_webrtc_video_encoder_new (GstRtcbotWebrtcBin * self)
{
  GstElement *encoder;
  GError *error = NULL;
  gchar *description;

  GST_OBJECT_LOCK (self);
  description = g_strdup (self->video_encoder);
  GST_OBJECT_UNLOCK (self);

  encoder = gst_parse_bin_from_description (description, TRUE, &error);
  if (encoder == NULL) {
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
        ("Could not create the video encoder \"%s\": %s", description,
            error->message), ("check the video-encoder property"));
    g_clear_error (&error);
  }
  g_free (description);
  return encoder;
}

/* The bitrate property congestion control drives, and its unit in bit/s:
 * the known encoders by name, else a `target-bitrate` in bit/s or a
 * `bitrate` in kbit/s (the unit of x264enc, nvh264enc, vaapih264enc and
 * most hardware encoders). */
static gboolean
rate_property_of (GstElement * element, const gchar ** property, guint * unit)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  const gchar *name = factory ?
      gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (factory)) : "";
  GObjectClass *klass = G_OBJECT_GET_CLASS (element);

  if (g_str_equal (name, "openh264enc")) {
    *property = "bitrate";
    *unit = 1;
  } else if (g_object_class_find_property (klass, "target-bitrate")) {
    *property = "target-bitrate";
    *unit = 1;
  } else if (g_object_class_find_property (klass, "bitrate")) {
    *property = "bitrate";
    *unit = 1000;
  } else {
    return FALSE;
  }
  return TRUE;
}

/* The element of @encoder (an element or a bin from the video-encoder
 * description) whose bitrate congestion control drives. */
void
gst_rtcbot_webrtc_layer_find_rate_property (RtcLayer * layer,
    GstElement * encoder)
{
  GstIterator *it;
  GValue item = G_VALUE_INIT;
  gboolean done = FALSE;

  if (!GST_IS_BIN (encoder)) {
    if (rate_property_of (encoder, &layer->rate_property, &layer->rate_unit))
      layer->encoder = encoder;
    return;
  }
  it = gst_bin_iterate_recurse (GST_BIN_CAST (encoder));
  while (!done) {
    switch (gst_iterator_next (it, &item)) {
      case GST_ITERATOR_OK:{
        GstElement *e = g_value_get_object (&item);

        if (GST_IS_VIDEO_ENCODER (e) && rate_property_of (e,
                &layer->rate_property, &layer->rate_unit)) {
          layer->encoder = e;
          done = TRUE;
        }
        g_value_reset (&item);
        break;
      }
      case GST_ITERATOR_RESYNC:
        gst_iterator_resync (it);
        break;
      default:
        done = TRUE;
        break;
    }
  }
  g_value_unset (&item);
  gst_iterator_free (it);
  if (layer->encoder == NULL)
    GST_WARNING_OBJECT (layer->input->self, "no bitrate property found in the "
        "video encoder: congestion control cannot change its bitrate");
}

/* With the object lock: the level of @layer for @bitrate, given the
 * input's size (see gst_rtcbot_ladder_choose_level()). */
gint
gst_rtcbot_webrtc_input_choose_level (RtcLayer * layer, guint bitrate,
    guint full_bitrate, gint width, gint height, gint fps_n, gint fps_d)
{
  GstRtcbotLadderLevelState state = { g_atomic_int_get (&layer->level),
    layer->level_changed, layer->level_step
  };
  gdouble fps = fps_n > 0 && fps_d > 0 ? (gdouble) fps_n / fps_d : 30.0;
  gint level = gst_rtcbot_ladder_choose_level (&state, bitrate, full_bitrate,
      width, height, fps, g_get_monotonic_time ());

  layer->level_changed = state.changed;
  layer->level_step = state.step;
  return level;
}

/* The caps of the size filter for @level of a @width × @height input. */
GstCaps *
gst_rtcbot_webrtc_input_level_caps (gint level, gint width, gint height)
{
  gint divisor = gst_rtcbot_ladder_levels[level].size_divisor;

  if (divisor == 1)
    return gst_caps_new_empty_simple ("video/x-raw");
  /* even sizes: encoders of 4:2:0 want them */
  return gst_caps_new_simple ("video/x-raw", "width", G_TYPE_INT,
      MAX (2, width / divisor & ~1), "height", G_TYPE_INT,
      MAX (2, height / divisor & ~1), NULL);
}

/* Encoder input: at levels with a lower frame rate every other frame is
 * dropped and the kept one lasts for both, so that the encoder's rate
 * control spends the bitrate over the real duration. */
static GstPadProbeReturn
drop_for_level (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  RtcLayer *layer = user_data;
  gint level = g_atomic_int_get (&layer->level);
  gint divisor = gst_rtcbot_ladder_levels[level].rate_divisor;
  GstBuffer *buffer;

  if (divisor == 1)
    return GST_PAD_PROBE_OK;
  if (layer->frames++ % divisor != 0)
    return GST_PAD_PROBE_DROP;
  buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  if (GST_BUFFER_DURATION_IS_VALID (buffer)) {
    buffer = gst_buffer_make_writable (buffer);
    GST_BUFFER_DURATION (buffer) *= divisor;
    GST_PAD_PROBE_INFO_DATA (info) = buffer;
  }
  return GST_PAD_PROBE_OK;
}

void
gst_rtcbot_webrtc_layer_drop_for_level (RtcLayer * layer,
    GstElement * size_filter)
{
  GstPad *src = gst_element_get_static_pad (size_filter, "src");

  layer->size_filter = size_filter;
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, drop_for_level, layer,
      NULL);
  gst_object_unref (src);
}

/* "VP8", "H264" or "OPUS" for encoded caps we can send, else NULL */
static const gchar *
encoding_of (const GstStructure * s)
{
  if (gst_structure_has_name (s, "video/x-vp8"))
    return "VP8";
  if (gst_structure_has_name (s, "video/x-h264"))
    return "H264";
  if (gst_structure_has_name (s, "audio/x-opus"))
    return "OPUS";
  return NULL;
}

/* What an encoder outputs, from the caps its source pad can produce. */
static const gchar *
encoder_output (GstElement * encoder)
{
  GstPad *pad = gst_element_get_static_pad (encoder, "src");
  GstCaps *caps = pad ? gst_pad_query_caps (pad, NULL) : NULL;
  const gchar *encoding = NULL;

  if (caps && !gst_caps_is_empty (caps) && !gst_caps_is_any (caps))
    encoding = encoding_of (gst_caps_get_structure (caps, 0));
  gst_clear_caps (&caps);
  gst_clear_object (&pad);
  return encoding;
}

/* The elements from the input queue to the tee for @caps; NULL with an
 * error posted when they cannot be made. */
static GList *
chain_for (RtcInput * input, const GstStructure * s, const gchar ** encoding)
{
  GstRtcbotWebrtcBin *self = input->self;
  GList *chain = NULL;
  GstElement *e;

  *encoding = encoding_of (s);
  if (*encoding) {
    if (g_str_equal (*encoding, "H264")) {
      if (!(e = make (self, "h264parse")))
        return NULL;
      g_object_set (e, "config-interval", -1, NULL);
      chain = g_list_append (chain, e);
    }
    return chain ? chain : g_list_append (NULL, make (self, "identity"));
  }

  if (gst_structure_has_name (s, "video/x-raw")) {
    GstElement *convert = make (self, "videoconvert");
    GstElement *raw_tee = convert ? make (self, "tee") : NULL;
    GstElement *scale = raw_tee ? make (self, "videoscale") : NULL;
    GstElement *filter = scale ? make (self, "capsfilter") : NULL;
    GstElement *encoder = filter ?
        gst_rtcbot_webrtc_video_encoder_new (self) : NULL;
    RtcLayer *layer;

    if (encoder == NULL) {
      gst_clear_object (&convert);
      gst_clear_object (&raw_tee);
      gst_clear_object (&scale);
      gst_clear_object (&filter);
      return NULL;
    }
    *encoding = encoder_output (encoder);
    if (*encoding == NULL) {
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
          ("The video encoder does not produce VP8 or H.264"),
          ("check the video-encoder property"));
      gst_object_unref (convert);
      gst_object_unref (raw_tee);
      gst_object_unref (scale);
      gst_object_unref (filter);
      gst_object_unref (encoder);
      return NULL;
    }
    /* the lower layers of the ladder branch off here while they run */
    g_object_set (raw_tee, "allow-not-linked", TRUE, NULL);
    layer = g_new0 (RtcLayer, 1);
    layer->input = input;
    layer->tee = input->tee;
    gst_rtcbot_webrtc_layer_find_rate_property (layer, encoder);
    gst_rtcbot_webrtc_layer_drop_for_level (layer, filter);
    GST_OBJECT_LOCK (self);
    input->raw_tee = raw_tee;
    input->layers[0] = layer;
    GST_OBJECT_UNLOCK (self);
    chain = g_list_append (NULL, convert);
    chain = g_list_append (chain, raw_tee);
    chain = g_list_append (chain, scale);
    chain = g_list_append (chain, filter);
    chain = g_list_append (chain, encoder);
    if (g_str_equal (*encoding, "H264") && (e = make (self, "h264parse"))) {
      g_object_set (e, "config-interval", -1, NULL);
      chain = g_list_append (chain, e);
    }
    return chain;
  }

  if (gst_structure_has_name (s, "audio/x-raw")) {
    GstElement *convert = make (self, "audioconvert");
    GstElement *resample = make (self, "audioresample");
    GstElement *encoder = make (self, "opusenc");

    if (!convert || !resample || !encoder) {
      gst_clear_object (&convert);
      gst_clear_object (&resample);
      gst_clear_object (&encoder);
      return NULL;
    }
    *encoding = "OPUS";
    g_object_get (encoder, "bitrate", &input->audio_bitrate, NULL);
    return g_list_append (g_list_append (g_list_append (NULL, convert),
            resample), encoder);
  }
  return NULL;
}

/* Queue streaming thread, on the first caps: puts the encoder (or parser)
 * between the input queue and the tee, before the caps go on. */
static GstPadProbeReturn
on_input_caps (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  RtcInput *input = user_data;
  GstRtcbotWebrtcBin *self = input->self;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;
  const gchar *encoding = NULL;
  GList *chain, *l;
  GstElement *previous;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;

  gst_event_parse_caps (event, &caps);
  chain = chain_for (input, gst_caps_get_structure (caps, 0), &encoding);
  if (chain == NULL || chain->data == NULL) {
    gchar *text = gst_caps_to_string (caps);

    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Cannot send %s on %s", text, GST_PAD_NAME (input->ghost)),
        ("accepted: raw video, VP8, H.264, raw audio, Opus"));
    g_free (text);
    g_list_free_full (chain, gst_object_unref);
    GST_OBJECT_LOCK (self);
    input->failed = TRUE;
    GST_OBJECT_UNLOCK (self);
    gst_rtcbot_webrtc_bin_inputs_changed (self);
    return GST_PAD_PROBE_REMOVE;
  }

  previous = input->queue;
  for (l = chain; l; l = l->next) {
    gst_bin_add (GST_BIN_CAST (self), l->data);
    gst_element_link (previous, l->data);
    previous = l->data;
  }
  gst_element_link (previous, input->tee);
  for (l = g_list_last (chain); l; l = l->prev)
    gst_element_sync_state_with_parent (l->data);

  GST_OBJECT_LOCK (self);
  input->chain = chain;
  input->encoding = g_strdup (encoding);
  if (input->video) {
    const GstStructure *s = gst_caps_get_structure (caps, 0);

    gst_structure_get_int (s, "width", &self->video_width);
    gst_structure_get_int (s, "height", &self->video_height);
    gst_structure_get_fraction (s, "framerate", &self->video_fps_n,
        &self->video_fps_d);
  }
  GST_OBJECT_UNLOCK (self);
  gst_rtcbot_webrtc_bin_bitrate_changed (self);
  gst_rtcbot_webrtc_bin_inputs_changed (self);
  GST_INFO_OBJECT (self, "%s sends %s", GST_PAD_NAME (input->ghost), encoding);
  return GST_PAD_PROBE_REMOVE;
}

/* Queue streaming thread: with no peer to send to, frames are dropped
 * before the encoder instead of being encoded for no one (a robot idles
 * most of the time). A peer asks for a keyframe when it connects, so it
 * still starts with a picture; the first buffer after the pause is marked
 * DISCONT for the encoder. */
static GstPadProbeReturn
drop_without_peers (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  RtcInput *input = user_data;
  GstBuffer *buffer;
  gboolean watched;

  GST_OBJECT_LOCK (input->tee);
  watched = GST_ELEMENT_CAST (input->tee)->numsrcpads > 0;
  GST_OBJECT_UNLOCK (input->tee);
  if (!watched) {
    input->idle = TRUE;
    return GST_PAD_PROBE_DROP;
  }
  if (input->idle) {
    input->idle = FALSE;
    buffer = gst_buffer_make_writable (GST_PAD_PROBE_INFO_BUFFER (info));
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
    GST_PAD_PROBE_INFO_DATA (info) = buffer;
  }
  return GST_PAD_PROBE_OK;
}

RtcInput *
gst_rtcbot_webrtc_input_new (GstRtcbotWebrtcBin * self,
    GstPadTemplate * templ, const gchar * name, gboolean video)
{
  RtcInput *input = g_new0 (RtcInput, 1);
  GstPad *target, *src;
  gchar *pad_name;
  guint n = 0;

  input->self = self;
  input->video = video;
  input->queue = make (self, "queue");
  input->tee = make (self, "tee");
  if (!input->queue || !input->tee) {
    gst_clear_object (&input->queue);
    gst_clear_object (&input->tee);
    g_free (input);
    return NULL;
  }
  /* a slow encoder drops old frames instead of delaying the new ones */
  g_object_set (input->queue, "max-size-buffers", 3, "max-size-bytes", 0,
      "max-size-time", (guint64) 0, "leaky", video ? 2 : 0, NULL);
  g_object_set (input->tee, "allow-not-linked", TRUE, NULL);

  if (name)
    pad_name = g_strdup (name);
  else {
    GST_OBJECT_LOCK (self);
    for (;; n++) {
      gchar *candidate = g_strdup_printf (video ? "video_sink_%u" :
          "audio_sink_%u", n);
      GList *l;

      for (l = GST_ELEMENT_CAST (self)->sinkpads; l; l = l->next)
        if (g_str_equal (GST_PAD_NAME (l->data), candidate))
          break;
      if (l == NULL) {
        pad_name = candidate;
        break;
      }
      g_free (candidate);
    }
    GST_OBJECT_UNLOCK (self);
  }

  gst_bin_add_many (GST_BIN_CAST (self), input->queue, input->tee, NULL);
  target = gst_element_get_static_pad (input->queue, "sink");
  input->ghost = gst_ghost_pad_new_from_template (pad_name, target, templ);
  gst_object_unref (target);
  g_free (pad_name);

  src = gst_element_get_static_pad (input->queue, "src");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_input_caps,
      input, NULL);
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER, drop_without_peers,
      input, NULL);
  gst_object_unref (src);

  gst_element_sync_state_with_parent (input->tee);
  gst_element_sync_state_with_parent (input->queue);
  if (GST_STATE (self) > GST_STATE_NULL)
    gst_pad_set_active (input->ghost, TRUE);
  if (!gst_element_add_pad (GST_ELEMENT_CAST (self), input->ghost)) {
    input->ghost = NULL;
    gst_rtcbot_webrtc_input_free (input);
    return NULL;
  }
  return input;
}

/* Takes one of the bin's inner elements out of it, stopped. */
void
gst_rtcbot_webrtc_take_out (GstBin * bin, GstElement * element)
{
  /* when the bin is disposed its children are already gone */
  if (GST_OBJECT_PARENT (element) != GST_OBJECT_CAST (bin))
    return;
  gst_element_set_locked_state (element, TRUE);
  gst_element_set_state (element, GST_STATE_NULL);
  gst_bin_remove (bin, element);
}

void
gst_rtcbot_webrtc_input_free (RtcInput * input)
{
  GstBin *bin = GST_BIN_CAST (input->self);
  GList *l;

  gst_rtcbot_webrtc_ladder_free_layers (input);
  gst_rtcbot_webrtc_take_out (bin, input->queue);
  for (l = input->chain; l; l = l->next)
    gst_rtcbot_webrtc_take_out (bin, l->data);
  gst_rtcbot_webrtc_take_out (bin, input->tee);
  /* only now: the size filter's probe reads it */
  g_free (input->layers[0]);
  g_list_free (input->chain);
  g_free (input->encoding);
  g_free (input);
}

GstCaps *
gst_rtcbot_webrtc_rtp_caps (const gchar * encoding, gint pt)
{
  if (g_str_equal (encoding, "OPUS"))
    return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING,
        "audio", "encoding-name", G_TYPE_STRING, "OPUS", "clock-rate",
        G_TYPE_INT, 48000, "encoding-params", G_TYPE_STRING, "2", "payload",
        G_TYPE_INT, pt, NULL);
  if (g_str_equal (encoding, "H264"))
    return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING,
        "video", "encoding-name", G_TYPE_STRING, "H264", "clock-rate",
        G_TYPE_INT, 90000, "packetization-mode", G_TYPE_STRING, "1",
        "payload", G_TYPE_INT, pt, NULL);
  return gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING,
      "video", "encoding-name", G_TYPE_STRING, encoding, "clock-rate",
      G_TYPE_INT, 90000, "payload", G_TYPE_INT, pt, NULL);
}

GstElement *
gst_rtcbot_webrtc_payloader_new (const gchar * encoding, gint pt)
{
  GstElement *pay;

  if (g_str_equal (encoding, "H264")) {
    pay = gst_element_factory_make ("rtph264pay", NULL);
    if (pay)
      g_object_set (pay, "config-interval", -1, "aggregate-mode", 1, NULL);
  } else if (g_str_equal (encoding, "OPUS")) {
    pay = gst_element_factory_make ("rtpopuspay", NULL);
  } else {
    pay = gst_element_factory_make ("rtpvp8pay", NULL);
  }
  if (pay)
    g_object_set (pay, "pt", pt, NULL);
  return pay;
}

/* ---------------------------------------------------------------------- */
/* received media: decoded, exposed on sometimes pads                     */

typedef struct
{
  GstRtcbotWebrtcBin *self;
  RtcPeer *peer;
} Exposure;

static void
exposure_free (gpointer data, GClosure * closure)
{
  Exposure *exposure = data;

  gst_rtcbot_webrtc_peer_unref (exposure->peer);
  g_free (exposure);
}

/* Received media the application did not link is dropped: a NOT_LINKED
 * flow would stop the peer's whole bundle (every stream shares one
 * transport), so an unused audio pad would freeze the video. */
static GstPadProbeReturn
drop_unlinked (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  return gst_pad_is_linked (GST_PAD_CAST (user_data)) ? GST_PAD_PROBE_OK :
      GST_PAD_PROBE_DROP;
}

static void
on_decoded_pad (GstElement * decodebin, GstPad * pad, gpointer user_data)
{
  Exposure *exposure = user_data;
  GstRtcbotWebrtcBin *self = exposure->self;
  RtcPeer *peer = exposure->peer;
  GstCaps *caps = gst_pad_get_current_caps (pad);
  const gchar *media;
  gboolean video;
  GstPadTemplate *templ;
  GstPad *ghost;
  gchar *name;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  media = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  video = g_str_has_prefix (media, "video/");
  if (!video && !g_str_has_prefix (media, "audio/")) {
    gst_caps_unref (caps);
    return;
  }
  gst_caps_unref (caps);

  GST_OBJECT_LOCK (self);
  name = g_strdup_printf (video ? "video_src_%u" : "audio_src_%u",
      video ? self->next_video_src++ : self->next_audio_src++);
  GST_OBJECT_UNLOCK (self);
  templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self),
      video ? "video_src_%u" : "audio_src_%u");
  ghost = gst_ghost_pad_new_from_template (name, pad, templ);
  g_free (name);
  gst_pad_set_active (ghost, TRUE);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST, drop_unlinked,
      gst_object_ref (ghost), gst_object_unref);

  g_mutex_lock (&peer->lock);
  if (peer->removed) {
    g_mutex_unlock (&peer->lock);
    gst_object_unref (ghost);
    return;
  }
  peer->exposed = g_list_prepend (peer->exposed, gst_object_ref (ghost));
  g_mutex_unlock (&peer->lock);

  GST_INFO_OBJECT (self, "peer %u: received %s on %s", peer->id, media,
      GST_PAD_NAME (ghost));
  gst_element_add_pad (GST_ELEMENT_CAST (self), ghost);
}

/* webrtcbin's streaming thread: a new RTP stream from @peer. */
void
gst_rtcbot_webrtc_expose_received (GstRtcbotWebrtcBin * self, RtcPeer * peer,
    GstPad * pad)
{
  GstElement *decodebin = gst_element_factory_make ("decodebin", NULL);
  Exposure *exposure;
  GstPad *sink;

  if (decodebin == NULL) {
    gchar *text = gst_rtcbot_missing_element_text ("decodebin");

    GST_ELEMENT_WARNING (self, CORE, MISSING_PLUGIN,
        ("Cannot decode the media the peer sends: %s", text), (NULL));
    g_free (text);
    return;
  }
  exposure = g_new0 (Exposure, 1);
  exposure->self = self;
  exposure->peer = gst_rtcbot_webrtc_peer_ref (peer);
  g_signal_connect_data (decodebin, "pad-added", G_CALLBACK (on_decoded_pad),
      exposure, exposure_free, 0);

  g_mutex_lock (&peer->lock);
  if (peer->removed) {
    g_mutex_unlock (&peer->lock);
    gst_object_unref (gst_object_ref_sink (decodebin));
    return;
  }
  peer->decoders = g_list_prepend (peer->decoders, gst_object_ref (decodebin));
  g_mutex_unlock (&peer->lock);

  gst_bin_add (GST_BIN_CAST (self), decodebin);
  gst_element_sync_state_with_parent (decodebin);
  sink = gst_element_get_static_pad (decodebin, "sink");
  if (gst_pad_link (pad, sink) != GST_PAD_LINK_OK)
    GST_WARNING_OBJECT (self, "peer %u: cannot decode %s", peer->id,
        GST_PAD_NAME (pad));
  gst_object_unref (sink);
}
