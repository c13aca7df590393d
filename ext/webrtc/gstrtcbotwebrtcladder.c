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


/* The video ladder: a raw video input is encoded once for the peers on
 * good links (layer 0, the input's own chain) and, only while some peer
 * needs it, again at lower bitrates from the same raw frames (lower
 * layers: queue → videoscale → capsfilter → encoder → tee). Each peer's
 * branch reads every layer through a funnel and passes one: a switch
 * happens at a keyframe of the layer switched to, which is asked for
 * then. The plan (which peer gets which layer, at what bitrate) is made in
 * gst_rtcbot_webrtc_bin_bitrate_changed; layers are made and taken down
 * here, on a thread of GStreamer's pool, never on a streaming thread. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/video/video.h>

#include "gstrtcbotwebrtcbinprivate.h"
#include "gstrtcbotmissing.h"

/* a layer no peer has needed for this long is taken down: a peer whose
 * estimate wavers does not cost an encoder start each time */
#define LAYER_LINGER_US (5 * G_USEC_PER_SEC)
/* a switch still waiting for its keyframe asks again after this */
#define SWITCH_RETRY_US (500 * G_TIME_SPAN_MILLISECOND)

/* One layer as one branch reads it: the probe on the funnel's pad. */
typedef struct
{
  RtcBranch *branch;
  gint layer;
} RtcLink;

/* Streaming thread of the layer: passes the branch's layer, and the layer
 * it switches to from that layer's first keyframe on. Of the other layers
 * only sticky events pass, for the funnel to keep until a switch: any
 * other serialized event would make the funnel switch there and then. */
static GstPadProbeReturn
pass_one_layer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  RtcLink *link = user_data;
  RtcBranch *branch = link->branch;
  GstBuffer *buffer;

  if (g_atomic_int_get (&branch->layer) == link->layer)
    return GST_PAD_PROBE_OK;
  if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM)
    return GST_EVENT_IS_STICKY (GST_PAD_PROBE_INFO_EVENT (info)) ?
        GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
  if (g_atomic_int_get (&branch->pending) != link->layer)
    return GST_PAD_PROBE_DROP;
  buffer = (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) ?
      gst_buffer_list_get (GST_PAD_PROBE_INFO_BUFFER_LIST (info), 0) :
      GST_PAD_PROBE_INFO_BUFFER (info);
  if (buffer == NULL
      || GST_BUFFER_FLAG_IS_SET (buffer, GST_BUFFER_FLAG_DELTA_UNIT)
      || !g_atomic_int_compare_and_exchange (&branch->pending, link->layer, -1))
    return GST_PAD_PROBE_DROP;
  g_atomic_int_set (&branch->layer, link->layer);
  GST_INFO_OBJECT (branch->peer->self, "peer %u: now sent video layer %d",
      branch->peer->id, link->layer);
  return GST_PAD_PROBE_OK;
}

/* With the layers lock: @branch reads @layer. */
static void
link_branch (RtcBranch * branch, RtcLayer * layer)
{
  GstPad *tee_pad, *sink;
  RtcLink *link;

  tee_pad = gst_element_request_pad_simple (layer->tee, "src_%u");
  sink = gst_element_request_pad_simple (branch->funnel, "sink_%u");
  if (tee_pad == NULL || sink == NULL) {
    if (tee_pad)
      gst_element_release_request_pad (layer->tee, tee_pad);
    gst_clear_object (&tee_pad);
    gst_clear_object (&sink);
    return;
  }
  link = g_new0 (RtcLink, 1);
  link->branch = branch;
  link->layer = layer->index;
  gst_pad_add_probe (sink, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_BUFFER_LIST | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      pass_one_layer, link, g_free);
  gst_pad_link (tee_pad, sink);
  gst_object_unref (tee_pad);
  g_mutex_lock (&branch->peer->lock);
  branch->links[layer->index] = sink;
  g_mutex_unlock (&branch->peer->lock);
}

/* With the layers lock: @branch no longer reads @layer. */
static void
unlink_branch (RtcBranch * branch, RtcLayer * layer)
{
  GstPad *sink, *tee_pad;

  g_mutex_lock (&branch->peer->lock);
  sink = branch->links[layer->index];
  branch->links[layer->index] = NULL;
  g_mutex_unlock (&branch->peer->lock);
  if (sink == NULL)
    return;
  tee_pad = gst_pad_get_peer (sink);
  if (tee_pad) {
    gst_pad_unlink (tee_pad, sink);
    gst_element_release_request_pad (layer->tee, tee_pad);
    gst_object_unref (tee_pad);
  }
  gst_element_release_request_pad (branch->funnel, sink);
  gst_object_unref (sink);
}

/* Refs on the peers, each listing its branches of @input (or of every
 * layered input when NULL) in @branches: valid while the layers lock is
 * held, as branches are freed under it. */
static GList *
layered_branches (GstRtcbotWebrtcBin * self, RtcInput * input)
{
  GList *peers, *l, *m, *branches = NULL;

  GST_OBJECT_LOCK (self);
  peers = g_list_copy (self->peers);
  GST_OBJECT_UNLOCK (self);
  for (l = peers; l; l = l->next) {
    RtcPeer *peer = l->data;

    g_mutex_lock (&peer->lock);
    for (m = peer->branches; m; m = m->next) {
      RtcBranch *branch = m->data;

      if (branch->funnel && (input == NULL || branch->input == input))
        branches = g_list_prepend (branches, branch);
    }
    g_mutex_unlock (&peer->lock);
  }
  g_list_free (peers);
  return branches;
}

/* With the layers lock: takes lower layer @index of @input down. */
static void
take_down (RtcInput * input, guint index)
{
  GstRtcbotWebrtcBin *self = input->self;
  RtcLayer *layer;
  GList *branches, *l;

  GST_OBJECT_LOCK (self);
  layer = input->layers[index];
  input->layers[index] = NULL;
  GST_OBJECT_UNLOCK (self);
  if (layer == NULL)
    return;
  GST_INFO_OBJECT (self, "%s: video layer %u stopped",
      GST_PAD_NAME (input->ghost), index);

  if (layer->raw_pad) {
    GstPad *queue_sink = gst_pad_get_peer (layer->raw_pad);

    if (queue_sink) {
      gst_pad_unlink (layer->raw_pad, queue_sink);
      gst_object_unref (queue_sink);
    }
    gst_element_release_request_pad (input->raw_tee, layer->raw_pad);
    gst_object_unref (layer->raw_pad);
  }
  branches = layered_branches (self, input);
  for (l = branches; l; l = l->next)
    unlink_branch (l->data, layer);
  g_list_free (branches);
  /* queue first: its thread is the layer's */
  for (l = layer->elements; l; l = l->next)
    gst_rtcbot_webrtc_take_out (GST_BIN_CAST (self), l->data);
  g_list_free (layer->elements);
  g_free (layer);
}

/* With the layers lock: lower layer @index of @input, encoding at what
 * the plan gives it; NULL (the element posted why) when its elements
 * cannot be made. */
static RtcLayer *
build (RtcInput * input, guint index)
{
  GstRtcbotWebrtcBin *self = input->self;
  static const gchar *const factories[] = {
    "queue", "videoscale", "capsfilter", NULL, "h264parse", "tee"
  };
  RtcLayer *layer = g_new0 (RtcLayer, 1);
  GstElement *previous = NULL, *filter = NULL, *encoder = NULL;
  GstPad *queue_sink;
  GstCaps *caps;
  gboolean h264;
  guint i, bitrate;
  GList *l;
  gint level;

  layer->input = input;
  layer->index = index;
  GST_OBJECT_LOCK (self);
  h264 = g_strcmp0 (input->encoding, "H264") == 0;
  GST_OBJECT_UNLOCK (self);
  for (i = 0; i < G_N_ELEMENTS (factories); i++) {
    GstElement *e;

    if (factories[i] && g_str_equal (factories[i], "h264parse") && !h264)
      continue;
    e = factories[i] ? gst_rtcbot_make_element (GST_ELEMENT_CAST (self),
        factories[i]) : gst_rtcbot_webrtc_video_encoder_new (self);
    if (e == NULL) {
      g_list_free_full (layer->elements, gst_object_unref);
      g_free (layer);
      return NULL;
    }
    layer->elements = g_list_append (layer->elements, e);
    if (i == 2)
      filter = e;
    else if (factories[i] == NULL)
      encoder = e;
  }
  /* a slow encoder of a lower layer loses frames, never holds layer 0 */
  g_object_set (layer->elements->data, "max-size-buffers", 1,
      "max-size-bytes", 0, "max-size-time", (guint64) 0, "leaky", 2, NULL);
  layer->tee = g_list_last (layer->elements)->data;
  g_object_set (layer->tee, "allow-not-linked", TRUE, NULL);
  if (h264)
    g_object_set (g_list_nth_data (layer->elements, 4), "config-interval", -1,
        NULL);
  gst_rtcbot_webrtc_layer_find_rate_property (layer, encoder);
  gst_rtcbot_webrtc_layer_drop_for_level (layer, filter);

  GST_OBJECT_LOCK (self);
  bitrate = self->layer_bitrate[index];
  level = gst_rtcbot_webrtc_input_choose_level (layer, bitrate,
      self->start_bitrate, self->video_width, self->video_height,
      self->video_fps_n, self->video_fps_d);
  g_atomic_int_set (&layer->level, level);
  layer->bitrate = bitrate;
  caps = gst_rtcbot_webrtc_input_level_caps (level, self->video_width,
      self->video_height);
  GST_OBJECT_UNLOCK (self);
  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  if (layer->encoder && layer->rate_property)
    g_object_set (layer->encoder, layer->rate_property,
        bitrate / layer->rate_unit, NULL);

  for (l = layer->elements; l; l = l->next) {
    gst_bin_add (GST_BIN_CAST (self), l->data);
    if (previous)
      gst_element_link (previous, l->data);
    previous = l->data;
  }
  for (l = g_list_last (layer->elements); l; l = l->prev)
    gst_element_sync_state_with_parent (l->data);

  layer->raw_pad = gst_element_request_pad_simple (input->raw_tee, "src_%u");
  queue_sink = gst_element_get_static_pad (layer->elements->data, "sink");
  gst_pad_link (layer->raw_pad, queue_sink);
  gst_object_unref (queue_sink);

  GST_OBJECT_LOCK (self);
  input->layers[index] = layer;
  GST_OBJECT_UNLOCK (self);
  GST_INFO_OBJECT (self, "%s: video layer %u started at %u bit/s, level %d",
      GST_PAD_NAME (input->ghost), index, bitrate, level);
  return layer;
}

/* With the layers lock: whether some peer is planned on, or still sent,
 * layer @index. */
static gboolean
layer_in_use (GList * branches, guint index)
{
  GList *l;

  for (l = branches; l; l = l->next) {
    RtcBranch *branch = l->data;
    gboolean used;

    g_mutex_lock (&branch->peer->lock);
    used = branch->peer->layer == (gint) index;
    g_mutex_unlock (&branch->peer->lock);
    if (used || g_atomic_int_get (&branch->layer) == (gint) index
        || g_atomic_int_get (&branch->pending) == (gint) index)
      return TRUE;
  }
  return FALSE;
}

/* With the layers lock: the lower layers of @input made or taken down as
 * the plan says. */
static void
update_input (RtcInput * input, gint64 now)
{
  GstRtcbotWebrtcBin *self = input->self;
  GList *branches = layered_branches (self, input), *l;
  guint index;

  for (index = 1; index < RTC_MAX_LAYERS; index++) {
    gboolean used = layer_in_use (branches, index);
    RtcLayer *layer;
    gboolean expired;

    GST_OBJECT_LOCK (self);
    layer = input->layers[index];
    if (layer && used)
      layer->unused_since = 0;
    else if (layer && layer->unused_since == 0)
      layer->unused_since = now;
    expired = layer && !used && now - layer->unused_since >= LAYER_LINGER_US;
    GST_OBJECT_UNLOCK (self);

    if (layer == NULL && used) {
      layer = build (input, index);
      if (layer == NULL)
        continue;
      for (l = branches; l; l = l->next)
        link_branch (l->data, layer);
    } else if (expired) {
      take_down (input, index);
    }
  }
  g_list_free (branches);
}

/* With the layers lock: the branches whose peer is planned on another
 * layer switch to it at its next keyframe; the pads to ask it from (with
 * a ref) are added to @keyframes. */
static GList *
switch_branches (GstRtcbotWebrtcBin * self, gint64 now, GList * keyframes)
{
  GList *branches = layered_branches (self, NULL), *l;

  for (l = branches; l; l = l->next) {
    RtcBranch *branch = l->data;
    RtcPeer *peer = branch->peer;
    gint planned;

    g_mutex_lock (&peer->lock);
    planned = peer->layer;
    if (planned >= 0 && planned != g_atomic_int_get (&branch->layer)
        && branch->links[planned]
        && (g_atomic_int_get (&branch->pending) != planned
            || now - branch->pending_since >= SWITCH_RETRY_US)) {
      g_atomic_int_set (&branch->pending, planned);
      branch->pending_since = now;
      keyframes = g_list_prepend (keyframes,
          gst_object_ref (branch->links[planned]));
    } else if (planned == g_atomic_int_get (&branch->layer)) {
      g_atomic_int_set (&branch->pending, -1);
    }
    g_mutex_unlock (&peer->lock);
  }
  g_list_free (branches);
  return keyframes;
}

static void
push_keyframe_requests (GList * pads)
{
  GList *l;

  for (l = pads; l; l = l->next)
    gst_pad_push_event (l->data,
        gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
            TRUE, 0));
  g_list_free_full (pads, gst_object_unref);
}

static void
update (GstElement * element, gpointer unused)
{
  GstRtcbotWebrtcBin *self = GST_RTCBOT_WEBRTC_BIN (element);
  gint64 now = g_get_monotonic_time ();
  GList *inputs = NULL, *keyframes = NULL, *l;
  gboolean running;

  g_mutex_lock (&self->layers_lock);
  GST_OBJECT_LOCK (self);
  self->ladder_scheduled = FALSE;
  running = self->running;
  for (l = self->inputs; l && running; l = l->next)
    if (((RtcInput *) l->data)->layers[0])
      inputs = g_list_prepend (inputs, l->data);
  GST_OBJECT_UNLOCK (self);
  for (l = inputs; l; l = l->next)
    update_input (l->data, now);
  if (running)
    keyframes = switch_branches (self, now, NULL);
  g_mutex_unlock (&self->layers_lock);
  g_list_free (inputs);
  push_keyframe_requests (keyframes);
}

/* Any thread: the plan changed, or a switch is still to be made. */
void
gst_rtcbot_webrtc_ladder_update (GstRtcbotWebrtcBin * self)
{
  gboolean schedule;

  GST_OBJECT_LOCK (self);
  schedule = self->running && !self->ladder_scheduled;
  if (schedule)
    self->ladder_scheduled = TRUE;
  GST_OBJECT_UNLOCK (self);
  if (schedule)
    gst_element_call_async (GST_ELEMENT_CAST (self), update, NULL, NULL);
}

/* Upstream through the funnel, which would hand every event to every
 * layer: a keyframe request (the peer's picture loss indication) goes to
 * the layer the peer is sent only, so that the other layers' peers do not
 * pay for it. */
static GstPadProbeReturn
route_keyframe_request (GstPad * pad, GstPadProbeInfo * info,
    gpointer user_data)
{
  RtcBranch *branch = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstPad *target;

  if (!gst_video_event_is_force_key_unit (event))
    return GST_PAD_PROBE_OK;
  g_mutex_lock (&branch->peer->lock);
  target = gst_rtcbot_webrtc_branch_keyframe_pad (branch);
  g_mutex_unlock (&branch->peer->lock);
  gst_pad_push_event (target, gst_event_ref (event));
  gst_object_unref (target);
  return GST_PAD_PROBE_DROP;
}

/* @branch joins its peer's branches; a branch of a raw video input reads
 * every layer running, and is sent layer 0 until its plan says otherwise. */
void
gst_rtcbot_webrtc_ladder_attach_branch (RtcBranch * branch)
{
  GstRtcbotWebrtcBin *self = branch->peer->self;
  RtcInput *input = branch->input;
  guint index;

  g_atomic_int_set (&branch->pending, -1);
  if (branch->funnel) {
    GstPad *src = gst_element_get_static_pad (branch->funnel, "src");

    gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
        route_keyframe_request, branch, NULL);
    gst_object_unref (src);
  }
  g_mutex_lock (&self->layers_lock);
  for (index = 0; branch->funnel && index < RTC_MAX_LAYERS; index++)
    if (input->layers[index])
      link_branch (branch, input->layers[index]);
  g_mutex_lock (&branch->peer->lock);
  branch->peer->branches = g_list_prepend (branch->peer->branches, branch);
  g_mutex_unlock (&branch->peer->lock);
  g_mutex_unlock (&self->layers_lock);
}

/* Before @branch is freed (it is no longer listed by its peer). */
void
gst_rtcbot_webrtc_ladder_detach_branch (RtcBranch * branch)
{
  GstRtcbotWebrtcBin *self = branch->peer->self;
  guint index;

  if (branch->funnel == NULL)
    return;
  g_mutex_lock (&self->layers_lock);
  for (index = 0; index < RTC_MAX_LAYERS; index++)
    if (branch->input->layers[index])
      unlink_branch (branch, branch->input->layers[index]);
  g_mutex_unlock (&self->layers_lock);
}

/* The bin stopped (no peers): every lower layer is taken down. */
void
gst_rtcbot_webrtc_ladder_clear (GstRtcbotWebrtcBin * self)
{
  GList *inputs, *l;
  guint index;

  g_mutex_lock (&self->layers_lock);
  GST_OBJECT_LOCK (self);
  inputs = g_list_copy (self->inputs);
  GST_OBJECT_UNLOCK (self);
  for (l = inputs; l; l = l->next)
    for (index = 1; index < RTC_MAX_LAYERS; index++)
      take_down (l->data, index);
  g_mutex_unlock (&self->layers_lock);
  g_list_free (inputs);
}

/* @input is going: its lower layers first. */
void
gst_rtcbot_webrtc_ladder_free_layers (RtcInput * input)
{
  guint index;

  g_mutex_lock (&input->self->layers_lock);
  for (index = 1; index < RTC_MAX_LAYERS; index++)
    take_down (input, index);
  g_mutex_unlock (&input->self->layers_lock);
}

/* Whether another peer is planned on @peer's video layer (a keyframe for
 * @peer is then one for that peer too). */
gboolean
gst_rtcbot_webrtc_ladder_shared (RtcPeer * peer)
{
  GstRtcbotWebrtcBin *self = peer->self;
  GList *peers, *l;
  gint layer;
  gboolean shared = FALSE;

  g_mutex_lock (&peer->lock);
  layer = peer->layer;
  g_mutex_unlock (&peer->lock);
  GST_OBJECT_LOCK (self);
  peers = g_list_copy (self->peers);
  for (l = peers; l; l = l->next)
    gst_rtcbot_webrtc_peer_ref (l->data);
  GST_OBJECT_UNLOCK (self);
  for (l = peers; l && !shared; l = l->next) {
    RtcPeer *other = l->data;

    if (other == peer)
      continue;
    g_mutex_lock (&other->lock);
    shared = other->layer == layer;
    g_mutex_unlock (&other->lock);
  }
  g_list_free_full (peers, (GDestroyNotify) gst_rtcbot_webrtc_peer_unref);
  return shared;
}

/* With the peer's lock: the pad to ask @branch's video for a keyframe
 * from (a ref): the funnel's pad of the layer it is sent. */
GstPad *
gst_rtcbot_webrtc_branch_keyframe_pad (RtcBranch * branch)
{
  gint layer = g_atomic_int_get (&branch->layer);

  if (branch->funnel && layer >= 0 && branch->links[layer])
    return gst_object_ref (branch->links[layer]);
  return gst_element_get_static_pad (branch->queue, "sink");
}
