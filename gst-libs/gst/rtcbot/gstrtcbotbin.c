/* gst-rtcbot
 * Copyright (C) 2026 gst-rtcbot developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */

/**
 * SECTION:gstrtcbotbin
 * @title: GstRtcbotBin
 * @short_description: base class of the bins that carry messages over a
 * network (rtcbotwebsocketbin, rtcbotwebrtcbin)
 *
 * A GstRtcbotBin is built around two inner elements: an rtcbotsrc named
 * "incoming", whose subscriptions are the `src_%u` request pads and the
 * `get` action, and an rtcbotsink named "outgoing", fed by the `sink_%u`
 * request pads and the `put` actions. A subclass moves messages between
 * them and its network: it hands what it receives to
 * gst_rtcbot_bin_deliver(), and sends what gst_rtcbot_bin_take_outgoing()
 * gives when its #GstRtcbotBinClass.send is called.
 *
 * The base class owns what every such bin has: the five action signals
 * (and their C functions), the `ready`, `closed` and `invalid-messages`
 * properties with the `rtcbot-ready` and `rtcbot-closed` bus messages, EOS
 * sent to the bin, and the filtering of the inner elements' own messages.
 *
 * The `sink_%u` pads accept any caps at link time, so that
 * `rtcbotsrc ! rtcbotwebsocketbin` links without pad names; caps that are
 * not a message (`application/x-json`, `text/x-raw, format=utf8`,
 * `application/octet-stream`) fail negotiation with an error that says so.
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcbotbin.h"
#include "gstrtcbotcommon.h"
#include "gstrtcbotjson.h"
#include "gstrtcbotsink.h"
#include "gstrtcbotsrc.h"

GST_DEBUG_CATEGORY_STATIC (gst_rtcbot_bin_debug);
#define GST_CAT_DEFAULT gst_rtcbot_bin_debug

/* at most one invalid-message warning per this interval */
#define INVALID_WARNING_INTERVAL_US (1 * G_USEC_PER_SEC)
#define EXCERPT_BYTES 32

typedef struct
{
  /* set in init, cleared in dispose; the bin owns them */
  GstElement *incoming;
  GstElement *outgoing;

  /* protected by the object lock */
  GstRtcbotLifecycle lifecycle;
  gboolean ended;               /* closed until the next READY */
  guint64 invalid_messages;
  gint64 last_invalid_warning;
} GstRtcbotBinPrivate;

enum
{
  PROP_0,
  PROP_READY,
  PROP_CLOSED,
  PROP_INVALID_MESSAGES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_PUT,
  SIGNAL_PUT_STRING,
  SIGNAL_PUT_JSON,
  SIGNAL_GET,
  SIGNAL_CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * GstRtcbotBin!src_%u:
 *
 * Messages received from every peer. A ghost pad of a `src_%u` pad of the
 * inner rtcbotsrc `incoming`: every subscription gets every message, with
 * its own `policy` and `max-buffers`, set on the ghost pad's target.
 *
 * Since: 0.1
 */
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src_%u",
    GST_PAD_SRC, GST_PAD_REQUEST, GST_STATIC_CAPS (GST_RTCBOT_MESSAGE_CAPS));

/**
 * GstRtcbotBin!sink_%u:
 *
 * Messages to send to every peer. A ghost pad of a `sink_%u` pad of the
 * inner rtcbotsink `outgoing`, whose `active-pad` rules apply: the first
 * requested is the active one. The template is ANY so that the request
 * pad of a producer such as rtcbotsrc links with a plain `!` (two request
 * templates link only when the sink one is a superset); the pad itself
 * accepts only `application/x-json`, `text/x-raw, format=utf8` and
 * `application/octet-stream`.
 *
 * Since: 0.1
 */
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink_%u",
    GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS_ANY);

static GstStaticCaps message_caps = GST_STATIC_CAPS (GST_RTCBOT_MESSAGE_CAPS);

#define gst_rtcbot_bin_parent_class parent_class
G_DEFINE_ABSTRACT_TYPE_WITH_CODE (GstRtcbotBin, gst_rtcbot_bin, GST_TYPE_BIN,
    G_ADD_PRIVATE (GstRtcbotBin)
    GST_DEBUG_CATEGORY_INIT (gst_rtcbot_bin_debug, "rtcbotbin", 0,
        "RTCBot network bin base class"));

#define PRIV(bin) ((GstRtcbotBinPrivate *) \
    gst_rtcbot_bin_get_instance_private (GST_RTCBOT_BIN (bin)))

static void gst_rtcbot_bin_dispose (GObject * object);
static void gst_rtcbot_bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_rtcbot_bin_change_state (GstElement *
    element, GstStateChange transition);
static GstPad *gst_rtcbot_bin_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps);
static void gst_rtcbot_bin_release_pad (GstElement * element, GstPad * pad);
static gboolean gst_rtcbot_bin_send_event (GstElement * element,
    GstEvent * event);
static void gst_rtcbot_bin_handle_message (GstBin * bin, GstMessage * message);
static GstFlowReturn put_action (GstRtcbotBin * bin, GstBuffer * buffer);

static void
gst_rtcbot_bin_class_init (GstRtcbotBinClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBinClass *bin_class = GST_BIN_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  gobject_class->dispose = gst_rtcbot_bin_dispose;
  gobject_class->get_property = gst_rtcbot_bin_get_property;

  /**
   * GstRtcbotBin:ready:
   *
   * TRUE while messages can be exchanged: a client's connection is open,
   * a server listens (rtcbotwebsocketbin), a peer's data channel is open
   * (rtcbotwebrtcbin). Each change is also posted as `rtcbot-ready`.
   *
   * Since: 0.1
   */
  properties[PROP_READY] = g_param_spec_boolean ("ready", "Ready",
      "Messages can be exchanged", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotBin:closed:
   *
   * TRUE once closed by the `close` action or by the other side: the
   * connection of rtcbotwebsocketbin in client mode, the `connect-url`
   * peer of rtcbotwebrtcbin, or the last peer of rtcbotwebrtcbin's server
   * (until a new one connects); rtcbotwebrtcbin also closes on an EOS
   * event. Reset when the bin goes back to READY. Each close is also
   * posted as `rtcbot-closed` with its reason.
   *
   * Since: 0.1
   */
  properties[PROP_CLOSED] = g_param_spec_boolean ("closed", "Closed",
      "Closed by the application or the other side", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotBin:invalid-messages:
   *
   * How many messages were dropped for not being valid JSON where JSON
   * was required: received ones, and those to be sent by
   * rtcbotwebsocketbin with `json=TRUE`; the first of each second is also
   * a warning naming it.
   *
   * Since: 0.1
   */
  properties[PROP_INVALID_MESSAGES] = g_param_spec_uint64 ("invalid-messages",
      "Invalid messages", "Messages dropped for not being valid JSON", 0,
      G_MAXUINT64, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  /**
   * GstRtcbotBin::put:
   * @bin: the element
   * @buffer: (transfer none): the message
   *
   * Sends @buffer as an `application/octet-stream` message (what the
   * network makes of it is the element's: see its `json` property), after
   * setting the outgoing rtcbotsink's `active-pad` to NULL. Messages put
   * while nothing can receive them wait in the outgoing queue.
   *
   * Returns: GST_FLOW_OK when queued for sending, GST_FLOW_EOS once
   * closed.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT] = g_signal_new_class_handler ("put", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (put_action),
      NULL, NULL, NULL, GST_TYPE_FLOW_RETURN, 1,
      GST_TYPE_BUFFER | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * GstRtcbotBin::put-string:
   * @bin: the element
   * @string: UTF-8 text
   *
   * Sends @string as one text message.
   *
   * Returns: as `put`; GST_FLOW_ERROR and a warning for invalid UTF-8.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT_STRING] = g_signal_new_class_handler ("put-string", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_bin_put_string), NULL, NULL, NULL,
      GST_TYPE_FLOW_RETURN, 1, G_TYPE_STRING);

  /**
   * GstRtcbotBin::put-json:
   * @bin: the element
   * @json: a JSON document
   *
   * Validates @json and sends it as one `application/x-json` message.
   *
   * Returns: as `put`; GST_FLOW_ERROR and a warning naming the parse error
   * for invalid JSON (nothing is sent).
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT_JSON] = g_signal_new_class_handler ("put-json", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_bin_put_json), NULL, NULL, NULL,
      GST_TYPE_FLOW_RETURN, 1, G_TYPE_STRING);

  /**
   * GstRtcbotBin::get:
   * @bin: the element
   * @timeout: nanoseconds to wait, GST_CLOCK_TIME_NONE to wait for ever
   *
   * Pulls the oldest received message from the application's default
   * subscription (created by the first `get`: messages received before it
   * are not kept).
   *
   * Returns: (transfer full) (nullable): the message with its caps, or NULL
   * on timeout, shutdown or once closed.
   *
   * Since: 0.1
   */
  signals[SIGNAL_GET] = g_signal_new_class_handler ("get", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (gst_rtcbot_bin_get),
      NULL, NULL, NULL, GST_TYPE_SAMPLE, 1, G_TYPE_UINT64);

  /**
   * GstRtcbotBin::close:
   * @bin: the element
   *
   * Closes the element until it goes back to READY: its connections end,
   * `rtcbot-closed` is posted and the `src_%u` pads get EOS. Idempotent.
   *
   * Since: 0.1
   */
  signals[SIGNAL_CLOSE] = g_signal_new_class_handler ("close", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (gst_rtcbot_bin_close),
      NULL, NULL, NULL, G_TYPE_NONE, 0);

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_rtcbot_bin_change_state);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_rtcbot_bin_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_rtcbot_bin_release_pad);
  element_class->send_event = GST_DEBUG_FUNCPTR (gst_rtcbot_bin_send_event);
  bin_class->handle_message = GST_DEBUG_FUNCPTR (gst_rtcbot_bin_handle_message);
}

/**
 * gst_rtcbot_bin_class_add_message_pad_templates:
 * @klass: the class of a #GstRtcbotBin subclass
 *
 * Adds the `src_%u` (message caps) and `sink_%u` request templates of the
 * message pads. Subclasses call it in their class_init after adding their
 * own sink templates: a plain `!` link takes the first template whose caps
 * accept the upstream caps, and `sink_%u` is ANY (so that the request pad
 * of a producer such as rtcbotsrc links to it), so templates added later
 * would never be chosen.
 *
 * Since: 0.1
 */
void
gst_rtcbot_bin_class_add_message_pad_templates (GstRtcbotBinClass * klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_add_static_pad_template (element_class, &sink_template);
}

static GstFlowReturn
on_new_data (GstElement * outgoing, GstRtcbotBin * bin)
{
  GstRtcbotBinClass *klass = GST_RTCBOT_BIN_GET_CLASS (bin);

  if (klass->send)
    klass->send (bin);
  return GST_FLOW_OK;
}

/* The inner elements are made from their types, so a bin works without the
 * rtcbot plugin registered. */
static void
gst_rtcbot_bin_init (GstRtcbotBin * bin)
{
  GstRtcbotBinPrivate *priv = PRIV (bin);

  priv->incoming = g_object_new (GST_TYPE_RTCBOT_SRC, "name", "incoming", NULL);
  priv->outgoing = g_object_new (GST_TYPE_RTCBOT_SINK, "name", "outgoing",
      "emit-signals", TRUE, NULL);
  g_signal_connect (priv->outgoing, "new-data", G_CALLBACK (on_new_data), bin);
  gst_bin_add_many (GST_BIN_CAST (bin), priv->incoming, priv->outgoing, NULL);
}

static void
gst_rtcbot_bin_dispose (GObject * object)
{
  GstRtcbotBinPrivate *priv = PRIV (object);

  if (priv->outgoing)
    g_signal_handlers_disconnect_by_data (priv->outgoing, object);
  /* the bin owns them; these were borrowed pointers */
  priv->incoming = NULL;
  priv->outgoing = NULL;

  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_rtcbot_bin_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRtcbotBinPrivate *priv = PRIV (object);

  GST_OBJECT_LOCK (object);
  switch (prop_id) {
    case PROP_READY:
      g_value_set_boolean (value, priv->lifecycle.ready);
      break;
    case PROP_CLOSED:
      g_value_set_boolean (value, priv->lifecycle.closed);
      break;
    case PROP_INVALID_MESSAGES:
      g_value_set_uint64 (value, priv->invalid_messages);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (object);
}

/* ---------------------------------------------------------------------- */
/* state                                                                  */

static void
stop (GstRtcbotBin * bin)
{
  GstRtcbotBinClass *klass = GST_RTCBOT_BIN_GET_CLASS (bin);
  GstRtcbotBinPrivate *priv = PRIV (bin);

  if (klass->stop)
    klass->stop (bin);

  gst_rtcbot_bin_set_ready (bin, FALSE);
  GST_OBJECT_LOCK (bin);
  priv->ended = FALSE;
  GST_OBJECT_UNLOCK (bin);
  gst_rtcbot_lifecycle_reopen (GST_ELEMENT_CAST (bin), &priv->lifecycle,
      properties[PROP_CLOSED]);
}

static GstStateChangeReturn
gst_rtcbot_bin_change_state (GstElement * element, GstStateChange transition)
{
  GstRtcbotBin *bin = GST_RTCBOT_BIN (element);
  GstRtcbotBinClass *klass = GST_RTCBOT_BIN_GET_CLASS (bin);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (klass->start && !klass->start (bin))
        return GST_STATE_CHANGE_FAILURE;
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (ret == GST_STATE_CHANGE_FAILURE)
        stop (bin);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      stop (bin);
      break;
    default:
      break;
  }
  return ret;
}

/* ---------------------------------------------------------------------- */
/* pads                                                                   */

static gboolean
is_message_caps (GstCaps * caps)
{
  GstCaps *allowed = gst_static_caps_get (&message_caps);
  gboolean ok = gst_caps_is_subset (caps, allowed);

  gst_caps_unref (allowed);
  return ok;
}

static gboolean
message_sink_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:{
      GstCaps *filter, *caps = gst_static_caps_get (&message_caps);

      gst_query_parse_caps (query, &filter);
      if (filter) {
        GstCaps *both = gst_caps_intersect_full (filter, caps,
            GST_CAPS_INTERSECT_FIRST);

        gst_caps_unref (caps);
        caps = both;
      }
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_ACCEPT_CAPS:{
      GstCaps *caps;

      gst_query_parse_accept_caps (query, &caps);
      gst_query_set_accept_caps_result (query, is_message_caps (caps));
      return TRUE;
    }
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* A `src_%u`/`sink_%u` ghost pad targeting a request pad of the inner
 * element of the same direction. */
static GstPad *
gst_rtcbot_bin_request_new_pad (GstElement * element, GstPadTemplate * templ,
    const gchar * name, const GstCaps * caps)
{
  GstRtcbotBinPrivate *priv = PRIV (element);
  gboolean src = GST_PAD_TEMPLATE_DIRECTION (templ) == GST_PAD_SRC;
  GstElement *inner = src ? priv->incoming : priv->outgoing;
  GstPad *target, *ghost;

  target = gst_element_request_pad_simple (inner,
      name ? name : GST_PAD_TEMPLATE_NAME_TEMPLATE (templ));
  if (target == NULL)
    return NULL;

  ghost = gst_ghost_pad_new_from_template (GST_PAD_NAME (target), target,
      templ);
  if (!src) {
    gst_pad_set_query_function (ghost, message_sink_query);
  }
  if (!gst_element_add_pad (element, ghost)) {
    /* the floating ghost pad was disposed of by gst_element_add_pad () */
    GST_WARNING_OBJECT (element, "could not add pad %s", GST_PAD_NAME (target));
    gst_element_release_request_pad (inner, target);
    gst_object_unref (target);
    return NULL;
  }
  gst_object_unref (target);
  return ghost;
}

/* Removes a ghost pad and releases the inner request pad behind it. */
static void
gst_rtcbot_bin_release_pad (GstElement * element, GstPad * pad)
{
  GstPad *target = gst_ghost_pad_get_target (GST_GHOST_PAD (pad));
  GstElement *inner = target ? gst_pad_get_parent_element (target) : NULL;

  /* the inner subscription first: its streaming thread stops before the
   * ghost pad it pushes through is torn down, so no push can meet a
   * half-removed ghost (and be reported as that subscriber's error) */
  if (inner) {
    gst_element_release_request_pad (inner, target);
    gst_object_unref (inner);
  }
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
  gst_clear_object (&target);
}

/* TRUE when some `sink_%u` pad is linked: the outgoing side then ends when
 * its producer's EOS arrives through it. */
static gboolean
outgoing_is_fed (GstElement * element)
{
  GstRtcbotBinPrivate *priv = PRIV (element);
  gboolean fed = FALSE;
  GList *l;

  GST_OBJECT_LOCK (element);
  for (l = element->sinkpads; l && !fed; l = l->next) {
    GstPad *ghost = l->data;
    GstPad *target;

    if (!GST_IS_GHOST_PAD (ghost))
      continue;
    target = gst_ghost_pad_get_target (GST_GHOST_PAD (ghost));
    if (target) {
      fed = GST_PAD_PARENT (target) == priv->outgoing
          && gst_pad_is_linked (ghost);
      gst_object_unref (target);
    }
  }
  GST_OBJECT_UNLOCK (element);
  return fed;
}

/* An EOS sent to the bin (gst-launch-1.0 -e on Ctrl-C, or
 * gst_element_send_event() by an application): the incoming side ends as
 * rtcbotsrc does, after the messages already received; the outgoing side
 * stops unless a producer is linked to bring it EOS. Otherwise the bin, a
 * sink too, would never post EOS and the pipeline never end. */
static gboolean
gst_rtcbot_bin_send_event (GstElement * element, GstEvent * event)
{
  GstRtcbotBinPrivate *priv = PRIV (element);
  gboolean ret;

  if (GST_EVENT_TYPE (event) != GST_EVENT_EOS)
    return GST_ELEMENT_CLASS (parent_class)->send_event (element, event);

  ret = gst_element_send_event (priv->incoming, gst_event_ref (event));
  if (!outgoing_is_fed (element))
    gst_rtcbot_sink_close (GST_RTCBOT_SINK (priv->outgoing));
  gst_event_unref (event);
  return ret;
}

/* The inner elements' own ready/closed messages would be mistaken for the
 * bin's, which posts its own. */
static void
gst_rtcbot_bin_handle_message (GstBin * bin, GstMessage * message)
{
  GstRtcbotBinPrivate *priv = PRIV (bin);
  GstObject *src = GST_MESSAGE_SRC (message);

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ELEMENT
      && (src == GST_OBJECT_CAST (priv->incoming)
          || src == GST_OBJECT_CAST (priv->outgoing))) {
    const GstStructure *s = gst_message_get_structure (message);

    if (gst_structure_has_name (s, "rtcbot-ready")
        || gst_structure_has_name (s, "rtcbot-closed")) {
      gst_message_unref (message);
      return;
    }
  }
  GST_BIN_CLASS (parent_class)->handle_message (bin, message);
}

/* ---------------------------------------------------------------------- */
/* the application's API                                                  */

/**
 * gst_rtcbot_bin_put:
 * @bin: a #GstRtcbotBin
 * @buffer: (transfer full): the message
 *
 * The `put` action without signal marshalling, taking ownership of @buffer.
 *
 * Returns: GST_FLOW_OK when queued for sending, GST_FLOW_EOS once closed.
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_bin_put (GstRtcbotBin * bin, GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_RTCBOT_BIN (bin), GST_FLOW_ERROR);
  g_return_val_if_fail (GST_IS_BUFFER (buffer), GST_FLOW_ERROR);

  return gst_rtcbot_sink_put (GST_RTCBOT_SINK (PRIV (bin)->outgoing), buffer);
}

static GstFlowReturn
put_action (GstRtcbotBin * bin, GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), GST_FLOW_ERROR);

  return gst_rtcbot_bin_put (bin, gst_buffer_ref (buffer));
}

/**
 * gst_rtcbot_bin_put_string:
 * @bin: a #GstRtcbotBin
 * @string: UTF-8 text
 *
 * The `put-string` action without signal marshalling.
 *
 * Returns: as gst_rtcbot_bin_put(); GST_FLOW_ERROR and a warning for
 * invalid UTF-8.
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_bin_put_string (GstRtcbotBin * bin, const gchar * string)
{
  g_return_val_if_fail (GST_IS_RTCBOT_BIN (bin), GST_FLOW_ERROR);

  return gst_rtcbot_sink_put_string (GST_RTCBOT_SINK (PRIV (bin)->outgoing),
      string);
}

/**
 * gst_rtcbot_bin_put_json:
 * @bin: a #GstRtcbotBin
 * @json: a JSON document
 *
 * The `put-json` action without signal marshalling.
 *
 * Returns: as gst_rtcbot_bin_put(); GST_FLOW_ERROR and a warning naming
 * the parse error for invalid JSON (nothing is sent).
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_bin_put_json (GstRtcbotBin * bin, const gchar * json)
{
  g_return_val_if_fail (GST_IS_RTCBOT_BIN (bin), GST_FLOW_ERROR);

  return gst_rtcbot_sink_put_json (GST_RTCBOT_SINK (PRIV (bin)->outgoing),
      json);
}

/**
 * gst_rtcbot_bin_get:
 * @bin: a #GstRtcbotBin
 * @timeout: nanoseconds to wait, GST_CLOCK_TIME_NONE to wait for ever
 *
 * The `get` action without signal marshalling.
 *
 * Returns: (transfer full) (nullable): the oldest received message with
 * its caps, or NULL on timeout, shutdown or once closed.
 *
 * Since: 0.1
 */
GstSample *
gst_rtcbot_bin_get (GstRtcbotBin * bin, GstClockTime timeout)
{
  g_return_val_if_fail (GST_IS_RTCBOT_BIN (bin), NULL);

  return gst_rtcbot_src_get (GST_RTCBOT_SRC (PRIV (bin)->incoming), timeout);
}

/**
 * gst_rtcbot_bin_close:
 * @bin: a #GstRtcbotBin
 *
 * The `close` action: closes @bin until it goes back to READY.
 *
 * Since: 0.1
 */
void
gst_rtcbot_bin_close (GstRtcbotBin * bin)
{
  GstRtcbotBinClass *klass;

  g_return_if_fail (GST_IS_RTCBOT_BIN (bin));

  klass = GST_RTCBOT_BIN_GET_CLASS (bin);
  gst_rtcbot_bin_end (bin, "closed by the application");
  if (klass->close)
    klass->close (bin);
}

/* ---------------------------------------------------------------------- */
/* for subclasses                                                         */

/**
 * gst_rtcbot_bin_deliver:
 * @bin: a #GstRtcbotBin
 * @sample: (transfer none): a received message with its caps
 *
 * Hands a received message to every subscriber (the `src_%u` pads and
 * the application's `get`). May block when a subscription with policy
 * `block` is full.
 *
 * Returns: what the incoming rtcbotsrc returned.
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_bin_deliver (GstRtcbotBin * bin, GstSample * sample)
{
  return gst_rtcbot_src_put_sample (GST_RTCBOT_SRC (PRIV (bin)->incoming),
      sample);
}

/**
 * gst_rtcbot_bin_take_outgoing:
 * @bin: a #GstRtcbotBin
 *
 * Returns: (transfer full) (nullable): the next message to send, without
 * waiting; NULL when there is none.
 *
 * Since: 0.1
 */
GstSample *
gst_rtcbot_bin_take_outgoing (GstRtcbotBin * bin)
{
  return gst_rtcbot_sink_get (GST_RTCBOT_SINK (PRIV (bin)->outgoing), 0);
}

/**
 * gst_rtcbot_bin_set_ready:
 * @bin: a #GstRtcbotBin
 * @ready: whether messages can be exchanged
 *
 * Sets `ready` (never TRUE while closed), notifying it and posting
 * `rtcbot-ready` when it changes.
 *
 * Since: 0.1
 */
void
gst_rtcbot_bin_set_ready (GstRtcbotBin * bin, gboolean ready)
{
  gst_rtcbot_lifecycle_set_ready (GST_ELEMENT_CAST (bin),
      &PRIV (bin)->lifecycle, properties[PROP_READY], ready);
}

/**
 * gst_rtcbot_bin_end:
 * @bin: a #GstRtcbotBin
 * @reason: why, for `rtcbot-closed`
 *
 * Closes @bin until it goes back to READY: `closed` is set,
 * `rtcbot-closed` posted, the `src_%u` pads get EOS and the outgoing side
 * stops consuming.
 *
 * Returns: FALSE when @bin had already ended.
 *
 * Since: 0.1
 */
gboolean
gst_rtcbot_bin_end (GstRtcbotBin * bin, const gchar * reason)
{
  GstRtcbotBinPrivate *priv = PRIV (bin);

  GST_OBJECT_LOCK (bin);
  if (priv->ended) {
    GST_OBJECT_UNLOCK (bin);
    return FALSE;
  }
  priv->ended = TRUE;
  GST_OBJECT_UNLOCK (bin);

  /* a suspended bin is already closed; its end is posted all the same */
  if (!gst_rtcbot_bin_suspend (bin, reason)) {
    GST_INFO_OBJECT (bin, "ended: %s", reason);
    gst_rtcbot_bin_post (bin, gst_structure_new ("rtcbot-closed",
            "reason", G_TYPE_STRING, reason, NULL));
  }
  gst_rtcbot_src_close (GST_RTCBOT_SRC (priv->incoming));
  gst_rtcbot_sink_close (GST_RTCBOT_SINK (priv->outgoing));
  return TRUE;
}

/**
 * gst_rtcbot_bin_suspend:
 * @bin: a #GstRtcbotBin
 * @reason: why, for `rtcbot-closed`
 *
 * Closes @bin until gst_rtcbot_bin_resume(): a server whose last peer
 * left. `closed` is set and `rtcbot-closed` posted; the message pads go
 * on.
 *
 * Returns: FALSE when @bin was already closed.
 *
 * Since: 0.1
 */
gboolean
gst_rtcbot_bin_suspend (GstRtcbotBin * bin, const gchar * reason)
{
  GstRtcbotBinPrivate *priv = PRIV (bin);

  return gst_rtcbot_lifecycle_close (GST_ELEMENT_CAST (bin), &priv->lifecycle,
      properties[PROP_READY], properties[PROP_CLOSED], reason);
}

/**
 * gst_rtcbot_bin_resume:
 * @bin: a #GstRtcbotBin
 *
 * Opens a suspended @bin again (a new peer came); an ended one stays
 * closed.
 *
 * Since: 0.1
 */
void
gst_rtcbot_bin_resume (GstRtcbotBin * bin)
{
  GstRtcbotBinPrivate *priv = PRIV (bin);
  gboolean reopened = FALSE;

  /* one critical section with the ended check: a close between the two
   * would otherwise be undone */
  GST_OBJECT_LOCK (bin);
  if (!priv->ended && priv->lifecycle.closed) {
    priv->lifecycle.closed = FALSE;
    reopened = TRUE;
  }
  GST_OBJECT_UNLOCK (bin);
  if (reopened)
    g_object_notify_by_pspec (G_OBJECT (bin), properties[PROP_CLOSED]);
}

/**
 * gst_rtcbot_bin_is_ended:
 * @bin: a #GstRtcbotBin
 *
 * Returns: TRUE once gst_rtcbot_bin_end() was called, until READY.
 *
 * Since: 0.1
 */
gboolean
gst_rtcbot_bin_is_ended (GstRtcbotBin * bin)
{
  gboolean ended;

  GST_OBJECT_LOCK (bin);
  ended = PRIV (bin)->ended;
  GST_OBJECT_UNLOCK (bin);
  return ended;
}

/**
 * gst_rtcbot_bin_drop_invalid:
 * @bin: a #GstRtcbotBin
 * @where: where the message was, e.g. "received from 127.0.0.1:5000" or
 *   "not sent"
 * @data: the message
 * @size: its size
 * @error: why it is not valid JSON
 *
 * Counts a message dropped for not being valid JSON in
 * `invalid-messages`, and posts a warning naming it (at most one a
 * second).
 *
 * Since: 0.1
 */
void
gst_rtcbot_bin_drop_invalid (GstRtcbotBin * bin, const gchar * where,
    const gchar * data, gsize size, const GError * error)
{
  GstRtcbotBinPrivate *priv = PRIV (bin);
  gint64 now = g_get_monotonic_time ();
  guint64 count;
  gboolean warn;
  gchar *excerpt;

  GST_OBJECT_LOCK (bin);
  count = ++priv->invalid_messages;
  warn = count == 1
      || now - priv->last_invalid_warning >= INVALID_WARNING_INTERVAL_US;
  if (warn)
    priv->last_invalid_warning = now;
  GST_OBJECT_UNLOCK (bin);

  excerpt = gst_rtcbot_json_excerpt (data, size, EXCERPT_BYTES);
  GST_DEBUG_OBJECT (bin, "invalid JSON (%s): %s near '%s'", where,
      error->message, excerpt);
  if (warn)
    GST_ELEMENT_WARNING (bin, STREAM, FORMAT,
        ("Dropped an invalid JSON message (%s): %s, in '%s'", where,
            error->message, excerpt),
        ("%" G_GSIZE_FORMAT " bytes; %" G_GUINT64_FORMAT
            " invalid messages so far", size, count));
  g_free (excerpt);
}

/**
 * gst_rtcbot_bin_post:
 * @bin: a #GstRtcbotBin
 * @structure: (transfer full): the message's structure
 *
 * Posts an element message of @bin on the bus.
 *
 * Since: 0.1
 */
void
gst_rtcbot_bin_post (GstRtcbotBin * bin, GstStructure * structure)
{
  gst_element_post_message (GST_ELEMENT_CAST (bin),
      gst_message_new_element (GST_OBJECT_CAST (bin), structure));
}
