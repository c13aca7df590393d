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


/**
 * SECTION:element-rtcbotsink
 * @title: rtcbotsink
 * @see_also: rtcbotsrc, input-selector, appsink
 *
 * An RTCBot consumer. Any number of producers can be linked to its
 * `sink_%u` pads, but only the `active-pad` is its subscription: what
 * arrives there goes into an application-side queue that `get` pulls from
 * (and `new-data` announces when `emit-signals` is set). Data on the other
 * pads is dropped with GST_FLOW_OK, so the producers upstream never stall
 * and a tee upstream never fails.
 *
 * Switching `active-pad` while PLAYING is glitch-free: the first message of
 * the new subscription is marked DISCONT and carries that pad's caps and
 * segment in its sample, and a `get` that was waiting is served by the new
 * subscription. The `put`, `put-string` and `put-json` actions insert a
 * message directly, which deselects the active pad first (RTCBot's
 * `put_nowait`).
 *
 * The element is a sink: EOS on the active pad closes it and posts EOS on
 * the bus.
 *
 * Instead of the application, a gst-launch description can consume: set
 * `sink` (e.g. `videoconvert ! autovideosink`) and the messages go to it
 * through the application-side queue (so `policy` and `max-buffers` apply)
 * with their caps, segment, timestamps and flags. With `isolation=process`
 * the description runs in a child process (RTCBot's
 * ProcessSubscriptionConsumer), restarted as `restart` says; the producers
 * never wait for it. EOS is then posted once the description has consumed
 * everything.
 *
 * ## Bus messages
 *
 * * `rtcbot-ready` (element message): field `ready` (boolean). Posted when
 *   the element starts (PLAYING) or stops consuming.
 * * `rtcbot-closed` (element message): field `reason` (string). Posted once,
 *   on `close` or EOS of the active pad (with `sink`, once the description
 *   consumed it), or when the `sink` child process dies with
 *   `restart=never`.
 * * A rate-limited warning when the application-side `fifo` queue drops
 *   messages because `get` is not called often enough.
 * * The `sink` description's errors and warnings, as this element's; a
 *   warning naming the signal or exit code when its child process dies; an
 *   error naming the problem when the description is invalid (the READY to
 *   PAUSED change fails).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 rtcbotsink name=consumer \
 *     videotestsrc ! consumer.sink_0  audiotestsrc ! consumer.sink_1
 * ]| The first linked pad (`sink_0`) is active; setting `active-pad` to
 * `sink_1` switches to the audio producer.
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! \
 *     rtcbotsink sink="videoconvert ! autovideosink" isolation=process
 * ]| The display runs in a child process.
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "gstrtcbotsink.h"
#include "gstrtcbotcommon.h"
#include "gstrtcbotqueue.h"
#include "gstrtcbotisolation.h"

GST_DEBUG_CATEGORY_STATIC (gst_rtcbot_sink_debug);
#define GST_CAT_DEFAULT gst_rtcbot_sink_debug

#define DEFAULT_PROP_AUTO_SELECT TRUE
#define DEFAULT_PROP_EMIT_SIGNALS FALSE

enum
{
  PROP_0,
  PROP_ACTIVE_PAD,
  PROP_AUTO_SELECT,
  PROP_POLICY,
  PROP_MAX_BUFFERS,
  PROP_EMIT_SIGNALS,
  PROP_DROPPED,
  PROP_READY,
  PROP_CLOSED,
  PROP_SINK,
  PROP_ISOLATION,
  PROP_RESTART,
  N_PROPS
};

enum
{
  SIGNAL_NEW_DATA,
  SIGNAL_PUT,
  SIGNAL_PUT_STRING,
  SIGNAL_PUT_JSON,
  SIGNAL_GET,
  SIGNAL_CLOSE,
  LAST_SIGNAL
};

static GParamSpec *properties[N_PROPS];
static guint signals[LAST_SIGNAL];

struct _GstRtcbotSinkPad
{
  GstPad parent;

  /* protected by the element's object lock */
  gboolean switched;            /* just became active: next buffer DISCONT */
  gboolean released;            /* on its way out: never active again */
  gboolean flushing_queue;      /* its FLUSH_START flushed the app queue */

  /* streaming thread only */
  GstSegment segment;
};

struct _GstRtcbotSink
{
  GstElement parent;

  GstRtcbotQueue *queue;        /* the application's; has its own lock */

  /* protected by the object lock */
  GstPad *active_pad;
  gboolean auto_select;
  gboolean chosen;              /* the application picked (or put) itself */
  gboolean emit_signals;
  guint next_pad_id;
  GstRtcbotLifecycle lifecycle;
  gchar *sink;                  /* a description consuming the messages */
  GstRtcbotIsolation isolation;
  GstRtcbotRestart restart;
  gboolean describing;          /* `sink` runs: it, not get, takes the queue */
  guint32 eos_seqnum;           /* of the EOS the description is ending on */

  /* only touched by state changes */
  GstRtcbotRunner *runner;
};

/**
 * GstRtcbotSink!sink_%u:
 *
 * One producer per pad. Only what arrives on `active-pad` reaches the
 * application; data on the other pads is dropped with GST_FLOW_OK, so
 * their producers never stall.
 *
 * Since: 0.1
 */
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink_%u",
    GST_PAD_SINK,
    GST_PAD_REQUEST,
    GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstRtcbotSinkPad, gst_rtcbot_sink_pad, GST_TYPE_PAD);

#define gst_rtcbot_sink_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstRtcbotSink, gst_rtcbot_sink, GST_TYPE_ELEMENT,
    GST_DEBUG_CATEGORY_INIT (gst_rtcbot_sink_debug, "rtcbotsink", 0,
        "RTCBot consumer"));

static void gst_rtcbot_sink_finalize (GObject * object);
static void gst_rtcbot_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_rtcbot_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_rtcbot_sink_change_state (GstElement *
    element, GstStateChange transition);
static GstPad *gst_rtcbot_sink_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps);
static void gst_rtcbot_sink_release_pad (GstElement * element, GstPad * pad);

static GstFlowReturn put_action (GstRtcbotSink * self, GstBuffer * buffer);

static void
gst_rtcbot_sink_pad_class_init (GstRtcbotSinkPadClass * klass)
{
}

static void
gst_rtcbot_sink_pad_init (GstRtcbotSinkPad * pad)
{
  gst_segment_init (&pad->segment, GST_FORMAT_TIME);
}

static void
gst_rtcbot_sink_class_init (GstRtcbotSinkClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  gobject_class->finalize = gst_rtcbot_sink_finalize;
  gobject_class->set_property = gst_rtcbot_sink_set_property;
  gobject_class->get_property = gst_rtcbot_sink_get_property;

  /**
   * GstRtcbotSink:active-pad:
   *
   * The sink pad whose data is consumed (RTCBot's active subscription).
   * NULL: no subscription, only messages inserted with `put` arrive. May be
   * changed while PLAYING.
   *
   * Since: 0.1
   */
  properties[PROP_ACTIVE_PAD] = g_param_spec_object ("active-pad",
      "Active pad", "The sink pad whose data is consumed (NULL: direct put)",
      GST_TYPE_PAD,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSink:auto-select:
   *
   * While the application has chosen nothing (neither set `active-pad` nor
   * used `put`), the first pad to be linked becomes active, and when the
   * active pad is released the next linked one does.
   *
   * Since: 0.1
   */
  properties[PROP_AUTO_SELECT] = g_param_spec_boolean ("auto-select",
      "Auto select", "Activate the first linked pad until one is chosen",
      DEFAULT_PROP_AUTO_SELECT,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSink:policy:
   *
   * What the application-side queue does when `get` is not called as fast
   * as messages arrive. `block` holds back the active producer.
   *
   * Since: 0.1
   */
  properties[PROP_POLICY] = g_param_spec_enum ("policy", "Policy",
      "What the application-side queue does when the application falls "
      "behind", GST_TYPE_RTCBOT_POLICY, GST_RTCBOT_DEFAULT_POLICY,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSink:max-buffers:
   *
   * Messages the application-side queue holds before its policy applies;
   * 0 means unbounded.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_BUFFERS] = g_param_spec_uint ("max-buffers",
      "Max buffers", "Messages held before the policy applies (0 = unbounded)",
      0, G_MAXUINT, GST_RTCBOT_DEFAULT_MAX_BUFFERS,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSink:emit-signals:
   *
   * Emit `new-data` for every message that arrives.
   *
   * Since: 0.1
   */
  properties[PROP_EMIT_SIGNALS] = g_param_spec_boolean ("emit-signals",
      "Emit signals", "Emit new-data for every message",
      DEFAULT_PROP_EMIT_SIGNALS,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSink:dropped:
   *
   * Messages the application-side queue dropped because of its policy.
   *
   * Since: 0.1
   */
  properties[PROP_DROPPED] = g_param_spec_uint64 ("dropped", "Dropped",
      "Messages dropped by the application-side queue", 0, G_MAXUINT64, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSink:ready:
   *
   * TRUE while the element is PLAYING and not closed.
   *
   * Since: 0.1
   */
  properties[PROP_READY] = g_param_spec_boolean ("ready", "Ready",
      "Whether the consumer is running", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSink:closed:
   *
   * TRUE after `close` or EOS on the active pad, until the element goes
   * back to READY.
   *
   * Since: 0.1
   */
  properties[PROP_CLOSED] = g_param_spec_boolean ("closed", "Closed",
      "Whether the consumer was closed", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSink:sink:
   *
   * A gst-launch description that consumes the active subscription (and
   * what `put` inserts) instead of the application, e.g.
   * `videoconvert ! autovideosink` or `filesink location=out.bin`. Its one
   * unlinked sink pad receives the messages with their caps, segment,
   * timestamps and flags, through the application-side queue (so `policy`
   * and `max-buffers` apply; `get` returns nothing). It is built at the
   * READY to PAUSED change; an invalid description fails that change with
   * an error naming the problem. EOS on the active pad reaches the
   * description, and the element posts EOS once the description has
   * consumed it. NULL: the application consumes with `get`.
   *
   * Since: 0.1
   */
  properties[PROP_SINK] = g_param_spec_string ("sink", "Sink",
      "gst-launch description consuming the active subscription (NULL: get)",
      NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
      G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSink:isolation:
   *
   * Where `sink` runs: `none`, a private pipeline in this process;
   * `process`, a child process (the `gst-rtcbot-isolate` helper, or the
   * program named by the `GST_RTCBOT_HELPER` environment variable). Frames
   * go to the child in shared memory. The child's errors and warnings are
   * posted as this element's; while no child runs, messages are dropped.
   *
   * Since: 0.1
   */
  properties[PROP_ISOLATION] = g_param_spec_enum ("isolation", "Isolation",
      "Where the sink description runs", GST_TYPE_RTCBOT_ISOLATION,
      GST_RTCBOT_DEFAULT_ISOLATION, G_PARAM_READWRITE |
      GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSink:restart:
   *
   * With `isolation=process`, what follows when the child process dies or
   * fails (a warning names the signal or exit code either way): `never`
   * closes the element (`rtcbot-closed`, EOS); `on-failure` starts a new
   * child after a backoff (100 ms doubling up to 5 s).
   *
   * Since: 0.1
   */
  properties[PROP_RESTART] = g_param_spec_enum ("restart", "Restart",
      "What follows when the isolated process dies", GST_TYPE_RTCBOT_RESTART,
      GST_RTCBOT_DEFAULT_RESTART, G_PARAM_READWRITE |
      GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  /**
   * GstRtcbotSink::new-data:
   * @rtcbotsink: the element
   *
   * A message arrived and can be pulled with `get`. Emitted from the
   * thread that delivered it (a streaming thread, or the one calling
   * `put`), only when `emit-signals` is TRUE.
   *
   * Returns: GST_FLOW_OK, or an error to return upstream.
   *
   * Since: 0.1
   */
  signals[SIGNAL_NEW_DATA] = g_signal_new ("new-data", type,
      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, GST_TYPE_FLOW_RETURN, 0,
      G_TYPE_NONE);

  /**
   * GstRtcbotSink::put:
   * @rtcbotsink: the element
   * @buffer: (transfer none): the message
   *
   * Inserts @buffer as an `application/octet-stream` message, after
   * setting `active-pad` to NULL.
   *
   * Returns: GST_FLOW_OK, GST_FLOW_EOS when closed.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT] = g_signal_new_class_handler ("put", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (put_action),
      NULL, NULL, NULL, GST_TYPE_FLOW_RETURN, 1,
      GST_TYPE_BUFFER | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * GstRtcbotSink::put-string:
   * @rtcbotsink: the element
   * @string: UTF-8 text
   *
   * Inserts @string as a `text/x-raw, format=utf8` message, after setting
   * `active-pad` to NULL.
   *
   * Returns: as `put`; GST_FLOW_ERROR and a warning for invalid UTF-8.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT_STRING] = g_signal_new_class_handler ("put-string", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_sink_put_string), NULL, NULL, NULL,
      GST_TYPE_FLOW_RETURN, 1, G_TYPE_STRING);

  /**
   * GstRtcbotSink::put-json:
   * @rtcbotsink: the element
   * @json: a JSON document
   *
   * Validates @json and inserts it as an `application/x-json` message,
   * after setting `active-pad` to NULL.
   *
   * Returns: as `put`; GST_FLOW_ERROR and a warning naming the parse error
   * for invalid JSON (nothing is inserted, the active pad is kept).
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT_JSON] = g_signal_new_class_handler ("put-json", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_sink_put_json), NULL, NULL, NULL,
      GST_TYPE_FLOW_RETURN, 1, G_TYPE_STRING);

  /**
   * GstRtcbotSink::get:
   * @rtcbotsink: the element
   * @timeout: nanoseconds to wait, GST_CLOCK_TIME_NONE to wait for ever
   *
   * Pulls the oldest message of the application-side queue, whichever
   * subscription (or `put`) it came from.
   *
   * Returns: (transfer full) (nullable): the message with its caps and
   * segment, or NULL on timeout, flushing, shutdown or once closed and
   * drained.
   *
   * Since: 0.1
   */
  signals[SIGNAL_GET] = g_signal_new_class_handler ("get", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (gst_rtcbot_sink_get),
      NULL, NULL, NULL, GST_TYPE_SAMPLE, 1, G_TYPE_UINT64);

  /**
   * GstRtcbotSink::close:
   * @rtcbotsink: the element
   *
   * Stops consuming: `get` returns what is queued then NULL, the active
   * producer gets GST_FLOW_EOS, `rtcbot-closed` and EOS are posted.
   * Idempotent.
   *
   * Since: 0.1
   */
  signals[SIGNAL_CLOSE] = g_signal_new_class_handler ("close", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (gst_rtcbot_sink_close),
      NULL, NULL, NULL, G_TYPE_NONE, 0);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_rtcbot_sink_change_state);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_rtcbot_sink_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_rtcbot_sink_release_pad);

  gst_element_class_add_pad_template (element_class,
      gst_static_pad_template_get (&sink_template));
  gst_element_class_set_static_metadata (element_class, "RTCBot consumer",
      "Sink/Generic",
      "Consumes one of several producers, switchable while playing, "
      "for the application to get", "gst-rtcbot developers");

  gst_type_mark_as_plugin_api (GST_TYPE_RTCBOT_POLICY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RTCBOT_ISOLATION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RTCBOT_RESTART, 0);
}

static void
gst_rtcbot_sink_init (GstRtcbotSink * self)
{
  self->queue = gst_rtcbot_queue_new (GST_RTCBOT_DEFAULT_POLICY,
      GST_RTCBOT_DEFAULT_MAX_BUFFERS);
  self->auto_select = DEFAULT_PROP_AUTO_SELECT;
  self->emit_signals = DEFAULT_PROP_EMIT_SIGNALS;
  self->isolation = GST_RTCBOT_DEFAULT_ISOLATION;
  self->restart = GST_RTCBOT_DEFAULT_RESTART;
  self->eos_seqnum = GST_SEQNUM_INVALID;
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SINK);
}

static void
gst_rtcbot_sink_finalize (GObject * object)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (object);

  gst_clear_object (&self->active_pad);
  gst_rtcbot_queue_unref (self->queue);
  g_free (self->sink);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* With the object lock: the first linked pad, for auto-select. */
static GstPad *
first_linked_pad (GstRtcbotSink * self, GstPad * except)
{
  GList *l;

  for (l = GST_ELEMENT_CAST (self)->sinkpads; l; l = l->next) {
    if (l->data != except && !GST_RTCBOT_SINK_PAD (l->data)->released
        && gst_pad_is_linked (l->data))
      return l->data;
  }
  return NULL;
}

/* With the object lock: whether @pad had flushed the application queue;
 * its flush is over for the queue once it is no longer active. */
static gboolean
take_flush (GstPad * pad)
{
  GstRtcbotSinkPad *spad = GST_RTCBOT_SINK_PAD (pad);
  gboolean flushing = spad->flushing_queue;

  spad->flushing_queue = FALSE;
  return flushing;
}

/* With the object lock. Returns the previous active pad (transfer full). */
static GstPad *
swap_active_pad (GstRtcbotSink * self, GstPad * pad, gboolean * end_flush)
{
  GstPad *old = self->active_pad;

  self->active_pad = pad ? gst_object_ref (pad) : NULL;
  if (pad)
    GST_RTCBOT_SINK_PAD (pad)->switched = TRUE;
  *end_flush = old && old != pad && take_flush (old);
  return old;
}

static void
end_queue_flush (GstRtcbotSink * self)
{
  gst_rtcbot_queue_clear (self->queue);
  gst_rtcbot_queue_set_flushing (self->queue, FALSE);
}

/* Completes a switch outside the lock: a producer of the old pad that waits
 * for room in a `block` queue gives up, and listeners hear of it. */
static void
finish_switch (GstRtcbotSink * self, GstPad * old, GstPad * pad,
    gboolean end_flush)
{
  if (end_flush)
    end_queue_flush (self);
  if (old == pad) {
    gst_clear_object (&old);
    return;
  }
  GST_DEBUG_OBJECT (self, "active pad %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
      old, pad);
  gst_rtcbot_queue_interrupt (self->queue);
  gst_clear_object (&old);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE_PAD]);
}

/* The application chooses @pad (NULL for none); auto-select stops. */
static void
choose_active_pad (GstRtcbotSink * self, GstPad * pad)
{
  GstPad *old;
  gboolean end_flush;

  GST_OBJECT_LOCK (self);
  if (pad && (GST_OBJECT_PARENT (pad) != GST_OBJECT_CAST (self)
          || GST_RTCBOT_SINK_PAD (pad)->released))
    goto not_ours;
  self->chosen = TRUE;
  if (self->active_pad == pad) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  old = swap_active_pad (self, pad, &end_flush);
  GST_OBJECT_UNLOCK (self);

  finish_switch (self, old, pad, end_flush);
  return;

  /* ERRORS */
not_ours:
  {
    GST_OBJECT_UNLOCK (self);
    GST_WARNING_OBJECT (self, "%" GST_PTR_FORMAT " is not a pad of mine, "
        "active pad unchanged", pad);
    return;
  }
}

static void
gst_rtcbot_sink_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (object);

  switch (prop_id) {
    case PROP_ACTIVE_PAD:
      choose_active_pad (self, g_value_get_object (value));
      break;
    case PROP_AUTO_SELECT:
      GST_OBJECT_LOCK (self);
      self->auto_select = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_POLICY:
      gst_rtcbot_queue_configure (self->queue, g_value_get_enum (value),
          gst_rtcbot_queue_get_max_buffers (self->queue));
      break;
    case PROP_MAX_BUFFERS:
      gst_rtcbot_queue_configure (self->queue,
          gst_rtcbot_queue_get_policy (self->queue), g_value_get_uint (value));
      break;
    case PROP_EMIT_SIGNALS:
      GST_OBJECT_LOCK (self);
      self->emit_signals = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_SINK:
      GST_OBJECT_LOCK (self);
      g_free (self->sink);
      self->sink = g_value_dup_string (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_ISOLATION:
      GST_OBJECT_LOCK (self);
      self->isolation = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    case PROP_RESTART:
      GST_OBJECT_LOCK (self);
      self->restart = g_value_get_enum (value);
      GST_OBJECT_UNLOCK (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_rtcbot_sink_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (object);

  switch (prop_id) {
    case PROP_POLICY:
      g_value_set_enum (value, gst_rtcbot_queue_get_policy (self->queue));
      return;
    case PROP_MAX_BUFFERS:
      g_value_set_uint (value, gst_rtcbot_queue_get_max_buffers (self->queue));
      return;
    case PROP_DROPPED:
      g_value_set_uint64 (value, gst_rtcbot_queue_get_dropped (self->queue));
      return;
    default:
      break;
  }

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_ACTIVE_PAD:
      g_value_set_object (value, self->active_pad);
      break;
    case PROP_AUTO_SELECT:
      g_value_set_boolean (value, self->auto_select);
      break;
    case PROP_EMIT_SIGNALS:
      g_value_set_boolean (value, self->emit_signals);
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->lifecycle.ready);
      break;
    case PROP_CLOSED:
      g_value_set_boolean (value, self->lifecycle.closed);
      break;
    case PROP_SINK:
      g_value_set_string (value, self->sink);
      break;
    case PROP_ISOLATION:
      g_value_set_enum (value, self->isolation);
      break;
    case PROP_RESTART:
      g_value_set_enum (value, self->restart);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
warn_dropped (GstRtcbotSink * self, const GstRtcbotQueueDrops * drops)
{
  GST_ELEMENT_WARNING (self, STREAM, FAILED,
      ("The application is not getting messages fast enough: %"
          G_GUINT64_FORMAT " dropped so far.", drops->dropped_total),
      ("policy fifo, max-buffers %u; call get more often, use policy=block "
          "or raise max-buffers",
          gst_rtcbot_queue_get_max_buffers (self->queue)));
}

/* Queues @sample for get and announces it. */
static GstFlowReturn
deliver (GstRtcbotSink * self, GstSample * sample)
{
  GstRtcbotQueueDrops drops;
  GstFlowReturn ret;
  gboolean emit;

  /* read before the sample can be taken: a message that arrived while
   * emit-signals was off is never announced later */
  GST_OBJECT_LOCK (self);
  emit = self->emit_signals;
  GST_OBJECT_UNLOCK (self);

  ret = gst_rtcbot_queue_push (self->queue, NULL,
      GST_MINI_OBJECT_CAST (sample), &drops);
  if (ret != GST_FLOW_OK)
    return ret;
  if (G_UNLIKELY (drops.warn))
    warn_dropped (self, &drops);

  if (emit)
    g_signal_emit (self, signals[SIGNAL_NEW_DATA], 0, &ret);
  return ret;
}

static GstFlowReturn
gst_rtcbot_sink_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (parent);
  GstRtcbotSinkPad *spad = GST_RTCBOT_SINK_PAD (pad);
  gboolean discont;
  GstCaps *caps;
  GstSample *sample;

  GST_OBJECT_LOCK (self);
  if (self->active_pad != pad)
    goto inactive;
  if (self->lifecycle.closed)
    goto closed;
  discont = spad->switched;
  spad->switched = FALSE;
  GST_OBJECT_UNLOCK (self);

  if (G_UNLIKELY (discont)) {
    buffer = gst_buffer_make_writable (buffer);
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
  }
  caps = gst_pad_get_current_caps (pad);
  sample = gst_sample_new (buffer, caps, &spad->segment, NULL);
  gst_clear_caps (&caps);
  gst_buffer_unref (buffer);

  return deliver (self, sample);

inactive:
  {
    GST_OBJECT_UNLOCK (self);
    GST_LOG_OBJECT (pad, "not the active pad, dropping %" GST_PTR_FORMAT,
        buffer);
    gst_buffer_unref (buffer);
    return GST_FLOW_OK;
  }
closed:
  {
    GST_OBJECT_UNLOCK (self);
    gst_buffer_unref (buffer);
    return GST_FLOW_EOS;
  }
}

/* Ends consumption: get drains what is queued, then returns NULL. Posts EOS
 * on the bus like any sink, once. */
static void
close_with_reason (GstRtcbotSink * self, const gchar * reason, guint32 seqnum)
{
  GstEvent *eos = gst_event_new_eos ();
  GstMessage *message;

  if (!gst_rtcbot_lifecycle_close (GST_ELEMENT_CAST (self), &self->lifecycle,
          properties[PROP_READY], properties[PROP_CLOSED], reason)) {
    gst_event_unref (eos);
    return;
  }
  gst_rtcbot_queue_push_event (self->queue, eos);
  gst_event_unref (eos);

  message = gst_message_new_eos (GST_OBJECT_CAST (self));
  if (seqnum != GST_SEQNUM_INVALID)
    gst_message_set_seqnum (message, seqnum);
  gst_element_post_message (GST_ELEMENT_CAST (self), message);
}

/* With a `sink` description the EOS goes to it first; the element closes
 * once the description has consumed everything. Returns FALSE without
 * one. */
static gboolean
end_description (GstRtcbotSink * self, GstEvent * event)
{
  gboolean describing;

  GST_OBJECT_LOCK (self);
  describing = self->describing;
  if (describing)
    self->eos_seqnum = gst_event_get_seqnum (event);
  GST_OBJECT_UNLOCK (self);
  if (describing)
    gst_rtcbot_queue_push_event (self->queue, event);
  return describing;
}

static gboolean
gst_rtcbot_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (parent);
  GstRtcbotSinkPad *spad = GST_RTCBOT_SINK_PAD (pad);
  gboolean active;

  GST_OBJECT_LOCK (self);
  active = self->active_pad == pad;
  GST_OBJECT_UNLOCK (self);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment (event, &spad->segment);
      break;
    case GST_EVENT_FLUSH_START:
      GST_OBJECT_LOCK (self);
      active = self->active_pad == pad;
      spad->flushing_queue = active;
      GST_OBJECT_UNLOCK (self);
      if (active)
        gst_rtcbot_queue_set_flushing (self->queue, TRUE);
      break;
    case GST_EVENT_FLUSH_STOP:{
      gboolean flushed;

      gst_segment_init (&spad->segment, GST_FORMAT_TIME);
      /* only the pad whose flush is still on the queue ends it; a switch
       * away from it ended it already */
      GST_OBJECT_LOCK (self);
      flushed = take_flush (pad);
      GST_OBJECT_UNLOCK (self);
      if (flushed)
        end_queue_flush (self);
      break;
    }
    case GST_EVENT_EOS:
      if (active && end_description (self, event))
        break;
      if (active) {
        gchar *reason = g_strdup_printf ("end of stream on %s",
            GST_PAD_NAME (pad));

        close_with_reason (self, reason, gst_event_get_seqnum (event));
        g_free (reason);
      }
      break;
    default:
      break;
  }
  /* sticky events are kept by the pad itself, for a later switch */
  gst_event_unref (event);
  return TRUE;
}

/* Auto-select: while nothing was chosen, the first linked pad is active. */
static GstPadLinkReturn
gst_rtcbot_sink_pad_link (GstPad * pad, GstObject * parent, GstPad * peer)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (parent);
  GstPad *old = NULL;
  gboolean select, end_flush = FALSE;

  GST_OBJECT_LOCK (self);
  select = self->auto_select && !self->chosen && self->active_pad == NULL;
  if (select)
    old = swap_active_pad (self, pad, &end_flush);
  GST_OBJECT_UNLOCK (self);

  if (select)
    finish_switch (self, old, pad, end_flush);
  return GST_PAD_LINK_OK;
}

/* A released pad stops being active; auto-select moves on to another
 * linked pad, if the application never chose one. */
static void
release_active_pad (GstRtcbotSink * self, GstPad * pad)
{
  GstPad *old, *next = NULL;
  gboolean end_flush;

  GST_OBJECT_LOCK (self);
  GST_RTCBOT_SINK_PAD (pad)->released = TRUE;
  if (self->active_pad != pad) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  if (self->auto_select && !self->chosen)
    next = first_linked_pad (self, pad);
  old = swap_active_pad (self, next, &end_flush);
  GST_OBJECT_UNLOCK (self);

  finish_switch (self, old, next, end_flush);
}

static GstPad *
gst_rtcbot_sink_request_new_pad (GstElement * element, GstPadTemplate * templ,
    const gchar * name, const GstCaps * caps)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (element);
  GstPad *pad;
  gchar *pad_name;
  guint id;

  GST_OBJECT_LOCK (self);
  if (name && sscanf (name, "sink_%u", &id) == 1) {
    if (id >= self->next_pad_id)
      self->next_pad_id = id + 1;
  } else {
    id = self->next_pad_id++;
  }
  GST_OBJECT_UNLOCK (self);

  pad_name = g_strdup_printf ("sink_%u", id);
  pad = g_object_new (GST_TYPE_RTCBOT_SINK_PAD, "name", pad_name,
      "direction", GST_PAD_SINK, "template", templ, NULL);
  g_free (pad_name);

  gst_pad_set_chain_function (pad, GST_DEBUG_FUNCPTR (gst_rtcbot_sink_chain));
  gst_pad_set_event_function (pad, GST_DEBUG_FUNCPTR (gst_rtcbot_sink_event));
  gst_pad_set_link_function (pad, GST_DEBUG_FUNCPTR (gst_rtcbot_sink_pad_link));

  /* on failure add_pad has disposed of the floating pad */
  if (!gst_element_add_pad (element, pad))
    goto add_failed;
  return pad;

  /* ERRORS */
add_failed:
  {
    GST_WARNING_OBJECT (self, "a pad named %s exists already", name);
    return NULL;
  }
}

static void
gst_rtcbot_sink_release_pad (GstElement * element, GstPad * pad)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (element);

  GST_DEBUG_OBJECT (self, "releasing %" GST_PTR_FORMAT, pad);
  release_active_pad (self, pad);
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
}

static GstFlowReturn
put_direct (GstRtcbotSink * self, GstBuffer * buffer, GstCaps * caps)
{
  GstSample *sample;
  gboolean closed;

  GST_OBJECT_LOCK (self);
  closed = self->lifecycle.closed;
  GST_OBJECT_UNLOCK (self);
  if (closed) {
    gst_buffer_unref (buffer);
    gst_caps_unref (caps);
    return GST_FLOW_EOS;
  }

  choose_active_pad (self, NULL);

  sample = gst_sample_new (buffer, caps, NULL, NULL);
  gst_buffer_unref (buffer);
  gst_caps_unref (caps);
  return deliver (self, sample);
}

static GstFlowReturn
put_message (GstRtcbotSink * self, GstRtcbotMessageKind kind,
    const gchar * string)
{
  GstCaps *caps;
  GstBuffer *buffer = gst_rtcbot_message_new (GST_ELEMENT_CAST (self), kind,
      string, &caps);

  if (buffer == NULL)
    return GST_FLOW_ERROR;
  return put_direct (self, buffer, caps);
}

/**
 * gst_rtcbot_sink_put:
 * @sink: a #GstRtcbotSink
 * @buffer: (transfer full): the message, as bytes
 *
 * Inserts @buffer as if the active producer had sent it, after setting
 * `active-pad` to NULL; the `put` action signal without marshalling, and
 * taking ownership of @buffer as gst_app_src_push_buffer() does.
 * Thread-safe.
 *
 * Returns: GST_FLOW_OK, GST_FLOW_EOS once closed.
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_sink_put (GstRtcbotSink * sink, GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_RTCBOT_SINK (sink), GST_FLOW_ERROR);
  g_return_val_if_fail (GST_IS_BUFFER (buffer), GST_FLOW_ERROR);

  return put_direct (sink, buffer, gst_rtcbot_bytes_caps ());
}

static GstFlowReturn
put_action (GstRtcbotSink * self, GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), GST_FLOW_ERROR);

  return put_direct (self, gst_buffer_ref (buffer), gst_rtcbot_bytes_caps ());
}

/**
 * gst_rtcbot_sink_put_string:
 * @sink: a #GstRtcbotSink
 * @string: UTF-8 text
 *
 * Inserts @string as a `text/x-raw, format=utf8` message, after setting
 * `active-pad` to NULL, as the `put-string` action signal does.
 *
 * Returns: as gst_rtcbot_sink_put(); GST_FLOW_ERROR and a warning for
 * invalid UTF-8.
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_sink_put_string (GstRtcbotSink * sink, const gchar * string)
{
  g_return_val_if_fail (GST_IS_RTCBOT_SINK (sink), GST_FLOW_ERROR);

  return put_message (sink, GST_RTCBOT_MESSAGE_TEXT, string);
}

/**
 * gst_rtcbot_sink_put_json:
 * @sink: a #GstRtcbotSink
 * @json: a JSON document
 *
 * Validates @json and inserts it as an `application/x-json` message,
 * after setting `active-pad` to NULL, as the `put-json` action signal
 * does.
 *
 * Returns: as gst_rtcbot_sink_put(); GST_FLOW_ERROR and a warning naming
 * the parse error for invalid JSON (nothing is inserted, the active pad is
 * kept).
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_sink_put_json (GstRtcbotSink * sink, const gchar * json)
{
  g_return_val_if_fail (GST_IS_RTCBOT_SINK (sink), GST_FLOW_ERROR);

  return put_message (sink, GST_RTCBOT_MESSAGE_JSON, json);
}

/**
 * gst_rtcbot_sink_get:
 * @sink: a #GstRtcbotSink
 * @timeout: nanoseconds to wait, GST_CLOCK_TIME_NONE to wait for ever
 *
 * Pulls the oldest message of the application-side queue, whichever
 * subscription (or put) it came from; the `get` action signal without
 * marshalling.
 *
 * Returns: (transfer full) (nullable): the message with its caps and
 * segment, or NULL on timeout, flushing, shutdown or once closed and
 * drained.
 *
 * Since: 0.1
 */
GstSample *
gst_rtcbot_sink_get (GstRtcbotSink * sink, GstClockTime timeout)
{
  GstRtcbotSink *self = sink;
  gboolean discont = FALSE, describing;
  GstMiniObject *item;

  g_return_val_if_fail (GST_IS_RTCBOT_SINK (sink), NULL);

  /* the description takes every message */
  GST_OBJECT_LOCK (self);
  describing = self->describing;
  GST_OBJECT_UNLOCK (self);
  if (describing)
    return NULL;

  item = gst_rtcbot_queue_pop (self->queue, timeout, &discont);

  /* a DISCONT that came from the pad already marks the buffer */
  if (item && discont)
    return gst_rtcbot_sample_mark_discont (GST_SAMPLE_CAST (item));
  return (GstSample *) item;
}

/**
 * gst_rtcbot_sink_close:
 * @sink: a #GstRtcbotSink
 *
 * Stops consuming, as the `close` action signal does: get returns what is
 * queued then NULL, the active producer gets GST_FLOW_EOS, `rtcbot-closed`
 * and EOS are posted. Idempotent.
 *
 * Since: 0.1
 */
void
gst_rtcbot_sink_close (GstRtcbotSink * sink)
{
  g_return_if_fail (GST_IS_RTCBOT_SINK (sink));

  close_with_reason (sink, "closed by the application", GST_SEQNUM_INVALID);
}

static void
sink_ended (GstElement * element, const gchar * reason)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (element);
  guint32 seqnum;

  GST_OBJECT_LOCK (self);
  seqnum = self->eos_seqnum;
  GST_OBJECT_UNLOCK (self);
  close_with_reason (self, reason, seqnum);
}

/* A restarted child is ready again, a dead one is not; readiness only
 * exists while PLAYING. */
static void
sink_ready (GstElement * element, gboolean ready)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (element);

  if (ready && GST_STATE (element) != GST_STATE_PLAYING)
    return;
  gst_rtcbot_lifecycle_set_ready (element, &self->lifecycle,
      properties[PROP_READY], ready);
}

static gboolean
start_sink (GstRtcbotSink * self)
{
  static const GstRtcbotRunnerCallbacks callbacks = {
    NULL, sink_ended, sink_ready
  };
  GstRtcbotRunner *runner = NULL;

  GST_OBJECT_LOCK (self);
  if (self->sink)
    runner = gst_rtcbot_runner_new (GST_ELEMENT_CAST (self),
        GST_RTCBOT_RUNNER_SINK, self->sink, self->isolation, self->restart,
        &callbacks, self->queue);
  self->describing = runner != NULL;
  self->eos_seqnum = GST_SEQNUM_INVALID;
  GST_OBJECT_UNLOCK (self);

  if (runner == NULL)
    return TRUE;
  if (!gst_rtcbot_runner_start (runner)) {
    gst_rtcbot_runner_free (runner);
    GST_OBJECT_LOCK (self);
    self->describing = FALSE;
    GST_OBJECT_UNLOCK (self);
    return FALSE;
  }
  self->runner = runner;
  return TRUE;
}

static void
stop_sink (GstRtcbotSink * self)
{
  g_clear_pointer (&self->runner, gst_rtcbot_runner_free);
  GST_OBJECT_LOCK (self);
  self->describing = FALSE;
  GST_OBJECT_UNLOCK (self);
}

static GstStateChangeReturn
gst_rtcbot_sink_change_state (GstElement * element, GstStateChange transition)
{
  GstRtcbotSink *self = GST_RTCBOT_SINK (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* a bad description fails here, before anything runs */
      if (!start_sink (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      gst_rtcbot_lifecycle_set_ready (element, &self->lifecycle,
          properties[PROP_READY], FALSE);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* unblock a producer waiting for room and a get waiting for data */
      gst_rtcbot_queue_set_flushing (self->queue, TRUE);
      stop_sink (self);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      stop_sink (self);
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      if (self->runner)
        gst_rtcbot_runner_play (self->runner);
      gst_rtcbot_lifecycle_set_ready (element, &self->lifecycle,
          properties[PROP_READY], TRUE);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_rtcbot_queue_clear (self->queue);
      gst_rtcbot_queue_set_flushing (self->queue, FALSE);
      gst_rtcbot_lifecycle_reopen (element, &self->lifecycle,
          properties[PROP_CLOSED]);
      break;
    default:
      break;
  }
  return ret;
}
