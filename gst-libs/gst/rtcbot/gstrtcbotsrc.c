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
 * SECTION:element-rtcbotsrc
 * @title: rtcbotsrc
 * @see_also: rtcbotsink, appsrc, tee
 *
 * An RTCBot producer. The application puts messages with the `put`,
 * `put-string`, `put-json` and `put-sample` action signals; every requested
 * `src_%u` pad is a subscription that receives the same buffers (shared by
 * reference, never copied), each from its own streaming thread, so a slow
 * subscriber never slows the producer or the other subscribers.
 *
 * Each subscription has a `policy`: `fifo` (bounded by `max-buffers`,
 * dropping the oldest message and marking the next one DISCONT), `latest`
 * (keep only the newest message) or `block` (lossless: `put` waits while the
 * subscription is full). A subscriber backlog is pushed downstream as one
 * #GstBufferList, so catching up costs one wake-up instead of one per
 * message.
 *
 * The application can also read the messages itself with the `get` action,
 * from a default subscription that exists from the first `get` (or from the
 * start with `default-autosubscribe`) until `unsubscribe`.
 *
 * Instead of the application, a gst-launch description can produce: set
 * `source` (e.g. `v4l2src ! videoconvert`) and every buffer it outputs is
 * fanned out as if put with `put-sample`, caps, segment, timestamps and
 * flags kept. With `isolation=process` the description runs in a child
 * process (RTCBot's ProcessSubscriptionProducer): a crash there costs a
 * warning and, with `restart=on-failure`, a new child after a short
 * backoff, never this process; frames cross in shared memory.
 *
 * ## Bus messages
 *
 * * `rtcbot-ready` (element message): field `ready` (boolean). Posted when
 *   the element starts (PLAYING) or stops being able to deliver messages.
 * * `rtcbot-closed` (element message): field `reason` (string). Posted once
 *   when `close` is emitted, the `source` description ends, or its child
 *   process dies with `restart=never`; every subscription then receives EOS.
 * * A rate-limited warning when a `fifo` subscription drops messages,
 *   naming the pad and the number dropped so far.
 * * The `source` description's errors and warnings, as this element's; a
 *   warning naming the signal or exit code when its child process dies
 *   ("killed by signal 9 (Killed)"); an error naming the problem when the
 *   description is invalid (the READY to PAUSED change fails).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 rtcbotsrc name=robot robot.src_0 ! queue ! fakesink \
 *     robot.src_1 ! fakesink
 * ]| Two subscriptions of one producer; an application puts messages into
 * `robot` with `g_signal_emit_by_name (robot, "put-json", "{\"x\": 1}", &ret)`.
 * |[
 * gst-launch-1.0 rtcbotsrc name=cam source="v4l2src ! videoconvert" \
 *     isolation=process restart=on-failure \
 *     cam.src_0 ! queue ! autovideosink  cam.src_1 ! queue ! fakesink
 * ]| A camera in a child process, restarted when it dies, with two
 * subscribers.
 *
 * Since: 0.1
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include "gstrtcbotsrc.h"
#include "gstrtcbotcommon.h"
#include "gstrtcbotqueue.h"
#include "gstrtcbotisolation.h"

GST_DEBUG_CATEGORY_STATIC (gst_rtcbot_src_debug);
#define GST_CAT_DEFAULT gst_rtcbot_src_debug

#define DEFAULT_PROP_DEFAULT_AUTOSUBSCRIBE FALSE
#define DEFAULT_PROP_DO_TIMESTAMP FALSE
#define DEFAULT_PROP_IS_LIVE TRUE

enum
{
  PROP_0,
  PROP_CAPS,
  PROP_DEFAULT_AUTOSUBSCRIBE,
  PROP_DO_TIMESTAMP,
  PROP_IS_LIVE,
  PROP_POLICY,
  PROP_MAX_BUFFERS,
  PROP_READY,
  PROP_CLOSED,
  PROP_SOURCE,
  PROP_ISOLATION,
  PROP_RESTART,
  N_PROPS
};

enum
{
  PAD_PROP_0,
  PAD_PROP_POLICY,
  PAD_PROP_MAX_BUFFERS,
  PAD_PROP_DROPPED,
  PAD_PROP_LEVEL,
  N_PAD_PROPS
};

enum
{
  SIGNAL_PUT,
  SIGNAL_PUT_STRING,
  SIGNAL_PUT_JSON,
  SIGNAL_PUT_SAMPLE,
  SIGNAL_GET,
  SIGNAL_UNSUBSCRIBE,
  SIGNAL_CLOSE,
  LAST_SIGNAL
};

static GParamSpec *properties[N_PROPS];
static GParamSpec *pad_properties[N_PAD_PROPS];
static guint signals[LAST_SIGNAL];

struct _GstRtcbotSrcPad
{
  GstPad parent;

  GstRtcbotQueue *queue;        /* has its own lock */

  /* Serializes (de)activation with release, which a state change may run
   * into from another thread: a released pad is never started again. */
  GMutex activation_lock;
  gboolean released;

  /* only touched by the pad's streaming thread, or while it is stopped */
  GstQueueArray *work;
  GstEvent *stream_start;       /* of the current activation */
  gboolean streaming;           /* pushed something since the activation */
  gboolean flow_error_posted;
};

struct _GstRtcbotSrc
{
  GstElement parent;

  /* protected by the object lock */
  GstCaps *caps;
  gboolean default_autosubscribe;
  gboolean do_timestamp;
  gboolean is_live;
  GstRtcbotPolicy policy;       /* of the default subscription */
  guint max_buffers;
  GstCaps *sample_caps;         /* caps of the last put-sample */
  GstCaps *current_caps;        /* caps of the last message put */
  GstSegment segment;
  GstEvent *caps_event;         /* current_caps and segment as events, */
  GstEvent *segment_event;      /* queued ahead of messages as needed */
  guint group_id;
  GPtrArray *subscribers;       /* pad refs, read without lock by put */
  guint32 subscribers_cookie;
  GstRtcbotQueue *default_sub;  /* the application's, for get */
  guint next_pad_id;
  GstRtcbotLifecycle lifecycle;
  gchar *source;                /* a description to fan out, or NULL */
  GstRtcbotIsolation isolation;
  GstRtcbotRestart restart;

  /* only touched by state changes */
  GstRtcbotRunner *runner;      /* runs `source` while PAUSED or PLAYING */
};

/**
 * GstRtcbotSrc!src_%u:
 *
 * One subscription per pad (a #GstRtcbotSrcPad), with its own queue and
 * streaming thread: a slow subscriber never slows the producer or the
 * others. The caps are those of what the application puts.
 *
 * Since: 0.1
 */
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src_%u",
    GST_PAD_SRC,
    GST_PAD_REQUEST,
    GST_STATIC_CAPS_ANY);

G_DEFINE_TYPE (GstRtcbotSrcPad, gst_rtcbot_src_pad, GST_TYPE_PAD);

#define gst_rtcbot_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstRtcbotSrc, gst_rtcbot_src, GST_TYPE_ELEMENT,
    GST_DEBUG_CATEGORY_INIT (gst_rtcbot_src_debug, "rtcbotsrc", 0,
        "RTCBot producer"));

static void gst_rtcbot_src_dispose (GObject * object);
static void gst_rtcbot_src_finalize (GObject * object);
static void gst_rtcbot_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_rtcbot_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static GstStateChangeReturn gst_rtcbot_src_change_state (GstElement * element,
    GstStateChange transition);
static GstPad *gst_rtcbot_src_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps);
static void gst_rtcbot_src_release_pad (GstElement * element, GstPad * pad);

static GstFlowReturn put_action (GstRtcbotSrc * self, GstBuffer * buffer);
static gboolean gst_rtcbot_src_send_event (GstElement * element,
    GstEvent * event);

/* GstRtcbotSrcPad */

static void
gst_rtcbot_src_pad_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtcbotSrcPad *pad = GST_RTCBOT_SRC_PAD (object);
  GstRtcbotPolicy policy = gst_rtcbot_queue_get_policy (pad->queue);
  guint max_buffers = gst_rtcbot_queue_get_max_buffers (pad->queue);

  switch (prop_id) {
    case PAD_PROP_POLICY:
      policy = g_value_get_enum (value);
      break;
    case PAD_PROP_MAX_BUFFERS:
      max_buffers = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
  }
  gst_rtcbot_queue_configure (pad->queue, policy, max_buffers);
}

static void
gst_rtcbot_src_pad_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstRtcbotSrcPad *pad = GST_RTCBOT_SRC_PAD (object);

  switch (prop_id) {
    case PAD_PROP_POLICY:
      g_value_set_enum (value, gst_rtcbot_queue_get_policy (pad->queue));
      break;
    case PAD_PROP_MAX_BUFFERS:
      g_value_set_uint (value, gst_rtcbot_queue_get_max_buffers (pad->queue));
      break;
    case PAD_PROP_DROPPED:
      g_value_set_uint64 (value, gst_rtcbot_queue_get_dropped (pad->queue));
      break;
    case PAD_PROP_LEVEL:
      g_value_set_uint (value, gst_rtcbot_queue_get_level (pad->queue));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
}

static void
gst_rtcbot_src_pad_dispose (GObject * object)
{
  GstRtcbotSrcPad *pad = GST_RTCBOT_SRC_PAD (object);

  /* the task must be gone before the queue it waits on */
  gst_rtcbot_queue_set_flushing (pad->queue, TRUE);
  gst_pad_stop_task (GST_PAD_CAST (pad));

  G_OBJECT_CLASS (gst_rtcbot_src_pad_parent_class)->dispose (object);
}

static void
gst_rtcbot_src_pad_finalize (GObject * object)
{
  GstRtcbotSrcPad *pad = GST_RTCBOT_SRC_PAD (object);

  g_mutex_clear (&pad->activation_lock);
  gst_clear_event (&pad->stream_start);
  gst_rtcbot_queue_array_clear (pad->work);
  gst_queue_array_free (pad->work);
  gst_rtcbot_queue_unref (pad->queue);

  G_OBJECT_CLASS (gst_rtcbot_src_pad_parent_class)->finalize (object);
}

static void
gst_rtcbot_src_pad_class_init (GstRtcbotSrcPadClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);

  gobject_class->set_property = gst_rtcbot_src_pad_set_property;
  gobject_class->get_property = gst_rtcbot_src_pad_get_property;
  gobject_class->dispose = gst_rtcbot_src_pad_dispose;
  gobject_class->finalize = gst_rtcbot_src_pad_finalize;

  /**
   * GstRtcbotSrcPad:policy:
   *
   * What this subscription does when its consumer is slower than the
   * producer. May be changed at any time.
   *
   * Since: 0.1
   */
  pad_properties[PAD_PROP_POLICY] = g_param_spec_enum ("policy", "Policy",
      "What this subscription does when its consumer falls behind",
      GST_TYPE_RTCBOT_POLICY, GST_RTCBOT_DEFAULT_POLICY,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrcPad:max-buffers:
   *
   * How many messages this subscription holds before its policy applies;
   * 0 means unbounded. Ignored by the `latest` policy.
   *
   * Since: 0.1
   */
  pad_properties[PAD_PROP_MAX_BUFFERS] = g_param_spec_uint ("max-buffers",
      "Max buffers", "Messages held before the policy applies (0 = unbounded)",
      0, G_MAXUINT, GST_RTCBOT_DEFAULT_MAX_BUFFERS,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrcPad:dropped:
   *
   * Messages this subscription dropped because of its policy.
   *
   * Since: 0.1
   */
  pad_properties[PAD_PROP_DROPPED] = g_param_spec_uint64 ("dropped",
      "Dropped", "Messages dropped by the policy", 0, G_MAXUINT64, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrcPad:level:
   *
   * Messages waiting in this subscription right now.
   *
   * Since: 0.1
   */
  pad_properties[PAD_PROP_LEVEL] = g_param_spec_uint ("level", "Level",
      "Messages waiting in this subscription", 0, G_MAXUINT, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PAD_PROPS,
      pad_properties);
}

static void
gst_rtcbot_src_pad_init (GstRtcbotSrcPad * pad)
{
  pad->queue = gst_rtcbot_queue_new (GST_RTCBOT_DEFAULT_POLICY,
      GST_RTCBOT_DEFAULT_MAX_BUFFERS);
  gst_rtcbot_queue_set_flushing (pad->queue, TRUE);
  pad->work = gst_queue_array_new (16);
  g_mutex_init (&pad->activation_lock);
}

static void
post_flow_error (GstRtcbotSrcPad * pad, GstFlowReturn ret)
{
  GstElement *parent;

  if (pad->flow_error_posted)
    return;
  pad->flow_error_posted = TRUE;
  parent = gst_pad_get_parent_element (GST_PAD_CAST (pad));
  if (parent == NULL)
    return;
  GST_ELEMENT_ERROR (parent, STREAM, FAILED,
      ("Subscriber %s could not deliver data: %s.", GST_PAD_NAME (pad),
          gst_flow_get_name (ret)),
      ("downstream of %s returned %s (%d); the other subscribers go on",
          GST_PAD_NAME (pad), gst_flow_get_name (ret), ret));
  gst_object_unref (parent);
}

/* A subscriber that is unlinked, flushing or at EOS simply misses the
 * data; only real errors are reported, once. A branch that was unlinked
 * while the push was under way (released during flow) may answer with an
 * error from its half-stopped elements: that is a subscriber going away,
 * not a failure. The queue keeps draining either way so the producer is
 * never stalled by a broken branch. */
static gboolean
subscriber_linked (GstPad * pad)
{
  GstPad *peer = gst_pad_get_peer (pad);
  GstProxyPad *ghost = NULL;
  gboolean linked = peer != NULL;

  /* behind a ghost pad (a bin's src_%u), the subscriber is what that ghost
   * is linked to, and it may have been unlinked while the push ran */
  if (peer && GST_IS_PROXY_PAD (peer))
    ghost = gst_proxy_pad_get_internal (GST_PROXY_PAD (peer));
  if (ghost) {
    linked = gst_pad_is_linked (GST_PAD_CAST (ghost))
        && gst_pad_is_active (GST_PAD_CAST (ghost));
    gst_object_unref (ghost);
  }
  gst_clear_object (&peer);
  return linked;
}

static void
handle_flow (GstRtcbotSrcPad * pad, GstFlowReturn ret)
{
  if (G_LIKELY (ret >= GST_FLOW_EOS || ret == GST_FLOW_NOT_LINKED
          || ret == GST_FLOW_FLUSHING))
    return;
  if (!subscriber_linked (GST_PAD_CAST (pad)))
    return;
  post_flow_error (pad, ret);
}

/* Returns FALSE once the pad is flushing: the rest of the batch is for a
 * stream that is being stopped. */
static gboolean
push_pending (GstRtcbotSrcPad * pad, GstBufferList ** list)
{
  GstBufferList *pending = *list;
  GstFlowReturn ret;

  if (pending == NULL)
    return TRUE;
  *list = NULL;
  if (gst_buffer_list_length (pending) == 1) {
    GstBuffer *buffer = gst_buffer_ref (gst_buffer_list_get (pending, 0));

    gst_buffer_list_unref (pending);
    ret = gst_pad_push (GST_PAD_CAST (pad), buffer);
  } else {
    ret = gst_pad_push_list (GST_PAD_CAST (pad), pending);
  }
  handle_flow (pad, ret);
  return ret != GST_FLOW_FLUSHING;
}

/* Returns FALSE when a sticky event could not be stored on the pad (it was
 * flushing, a deactivation is under way): what follows must not go out
 * without it. A sticky event that was stored but refused downstream is
 * downstream's problem and shows up as a flow error on the data. */
static gboolean
push_event (GstRtcbotSrcPad * pad, GstEvent * event)
{
  GstEventType type = GST_EVENT_TYPE (event);
  gboolean sticky = GST_EVENT_IS_STICKY (event);
  GstEvent *stored;

  if (gst_pad_push_event (GST_PAD_CAST (pad), event) || !sticky)
    return TRUE;
  stored = gst_pad_get_sticky_event (GST_PAD_CAST (pad), type, 0);
  if (stored == NULL)
    return FALSE;
  gst_event_unref (stored);
  return TRUE;
}

/* GstPad 1.22 removes a pad's sticky events at the end of a deactivation,
 * even when an activation from another thread got in between and started
 * us again: send them again rather than data without a stream. */
static gboolean
restore_sticky_events (GstRtcbotSrcPad * pad)
{
  GstEvent *stream_start, *caps, *segment, *events[3];
  gboolean ok = TRUE;
  guint i;

  if (!pad->streaming)
    return TRUE;
  stream_start = gst_pad_get_sticky_event (GST_PAD_CAST (pad),
      GST_EVENT_STREAM_START, 0);
  if (G_LIKELY (stream_start)) {
    gst_event_unref (stream_start);
    return TRUE;
  }
  GST_DEBUG_OBJECT (pad, "sticky events were removed, sending them again");
  gst_rtcbot_queue_get_sticky (pad->queue, &caps, &segment);
  events[0] = pad->stream_start ? gst_event_ref (pad->stream_start) : NULL;
  events[1] = caps;
  events[2] = segment;
  /* in order, and nothing after one the pad could not store */
  for (i = 0; i < G_N_ELEMENTS (events); i++) {
    if (events[i] == NULL)
      continue;
    if (ok)
      ok = push_event (pad, events[i]);
    else
      gst_event_unref (events[i]);
  }
  return ok;
}

static void
gst_rtcbot_src_pad_loop (GstRtcbotSrcPad * pad)
{
  GstBufferList *list = NULL;
  GstMiniObject *item;
  gboolean discont;

  if (!gst_rtcbot_queue_wait_swap (pad->queue, &pad->work, &discont)) {
    GST_DEBUG_OBJECT (pad, "flushing, pausing");
    gst_pad_pause_task (GST_PAD_CAST (pad));
    return;
  }
  /* between two iterations, where a late deactivation can strike */
  if (G_UNLIKELY (!restore_sticky_events (pad))) {
    gst_rtcbot_queue_array_clear (pad->work);
    return;
  }
  pad->streaming = TRUE;

  while ((item = gst_queue_array_pop_head (pad->work))) {
    gboolean go_on = TRUE;

    if (GST_IS_BUFFER (item)) {
      GstBuffer *buffer = GST_BUFFER_CAST (item);

      if (G_UNLIKELY (discont)) {
        /* a shallow copy: the memory stays shared with other subscribers */
        buffer = gst_buffer_make_writable (buffer);
        GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
        discont = FALSE;
      }
      if (list == NULL)
        list = gst_buffer_list_new_sized (gst_queue_array_get_length
            (pad->work) + 1);
      gst_buffer_list_add (list, buffer);
    } else if (push_pending (pad, &list)) {
      go_on = push_event (pad, GST_EVENT_CAST (item));
    } else {
      gst_mini_object_unref (item);
      go_on = FALSE;
    }
    if (G_UNLIKELY (!go_on)) {
      /* a deactivation under way; a racing reactivation may already have
       * unset flushing, so nothing of this batch may follow */
      GST_DEBUG_OBJECT (pad, "flushing, dropping the rest of the batch");
      gst_clear_buffer_list (&list);
      gst_rtcbot_queue_array_clear (pad->work);
      return;
    }
  }
  push_pending (pad, &list);
}

/* GstRtcbotSrc */

static void
gst_rtcbot_src_class_init (GstRtcbotSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  gobject_class->dispose = gst_rtcbot_src_dispose;
  gobject_class->finalize = gst_rtcbot_src_finalize;
  gobject_class->set_property = gst_rtcbot_src_set_property;
  gobject_class->get_property = gst_rtcbot_src_get_property;

  /**
   * GstRtcbotSrc:caps:
   *
   * Caps of what the application puts with `put`. When NULL, the caps of
   * the last `put-sample` are used, and `application/octet-stream` before
   * any sample. `put-string` and `put-json` always use their own caps.
   *
   * Since: 0.1
   */
  properties[PROP_CAPS] = g_param_spec_boxed ("caps", "Caps",
      "Caps of the buffers put with 'put' (NULL: from the last sample)",
      GST_TYPE_CAPS,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrc:default-autosubscribe:
   *
   * Create the application's default subscription right away, so `get`
   * also returns what was put before its first call. Without it the
   * default subscription starts at the first `get`.
   *
   * Since: 0.1
   */
  properties[PROP_DEFAULT_AUTOSUBSCRIBE] =
      g_param_spec_boolean ("default-autosubscribe", "Default autosubscribe",
      "Keep messages for 'get' from the start, not only from the first 'get'",
      DEFAULT_PROP_DEFAULT_AUTOSUBSCRIBE,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrc:do-timestamp:
   *
   * Stamp every message with the pipeline's running time when it is put.
   *
   * Since: 0.1
   */
  properties[PROP_DO_TIMESTAMP] = g_param_spec_boolean ("do-timestamp",
      "Do timestamp", "Timestamp messages with the running time when put",
      DEFAULT_PROP_DO_TIMESTAMP,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrc:is-live:
   *
   * Whether the element behaves as a live source (no preroll in PAUSED).
   *
   * Since: 0.1
   */
  properties[PROP_IS_LIVE] = g_param_spec_boolean ("is-live", "Is live",
      "Act as a live source", DEFAULT_PROP_IS_LIVE,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrc:policy:
   *
   * What the application's default subscription (the one `get` pulls from)
   * does when `get` is not called as fast as messages are put: `block`
   * makes `put` wait, so nothing is lost. Like rtcbotsink's `policy`.
   *
   * Since: 0.1
   */
  properties[PROP_POLICY] = g_param_spec_enum ("policy", "Policy",
      "What the default subscription (for 'get') does when the application "
      "falls behind", GST_TYPE_RTCBOT_POLICY, GST_RTCBOT_DEFAULT_POLICY,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrc:max-buffers:
   *
   * Messages the default subscription holds before its policy applies;
   * 0 means unbounded.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_BUFFERS] = g_param_spec_uint ("max-buffers",
      "Max buffers", "Messages the default subscription holds before its "
      "policy applies (0 = unbounded)", 0, G_MAXUINT,
      GST_RTCBOT_DEFAULT_MAX_BUFFERS,
      G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrc:ready:
   *
   * TRUE while the element is PLAYING and not closed: what is put now
   * reaches the subscribers.
   *
   * Since: 0.1
   */
  properties[PROP_READY] = g_param_spec_boolean ("ready", "Ready",
      "Whether messages put now reach the subscribers", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrc:closed:
   *
   * TRUE once `close` was emitted, until the element goes back to READY.
   *
   * Since: 0.1
   */
  properties[PROP_CLOSED] = g_param_spec_boolean ("closed", "Closed",
      "Whether the producer was closed", FALSE,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrc:source:
   *
   * A gst-launch description whose output the element fans out to its
   * subscribers, as if each of its buffers was put with `put-sample`
   * (caps, segment, timestamps and flags kept), e.g.
   * `v4l2src ! videoconvert`. Its one unlinked src pad is the output. It
   * is built at the READY to PAUSED change; an invalid description fails
   * that change with an error naming the problem. Its end (EOS) closes
   * the element. NULL: only what the application puts.
   *
   * Since: 0.1
   */
  properties[PROP_SOURCE] = g_param_spec_string ("source", "Source",
      "gst-launch description whose output is fanned out (NULL: none)",
      NULL, G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY |
      G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrc:isolation:
   *
   * Where `source` runs: `none`, a private pipeline in this process;
   * `process`, a child process (the `gst-rtcbot-isolate` helper, or the
   * program named by the `GST_RTCBOT_HELPER` environment variable). Frames
   * cross from the child in shared memory, without a copy on this side.
   * The child's errors and warnings are posted as this element's, and its
   * death is handled as `restart` says.
   *
   * Since: 0.1
   */
  properties[PROP_ISOLATION] = g_param_spec_enum ("isolation", "Isolation",
      "Where the source description runs", GST_TYPE_RTCBOT_ISOLATION,
      GST_RTCBOT_DEFAULT_ISOLATION, G_PARAM_READWRITE |
      GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS);

  /**
   * GstRtcbotSrc:restart:
   *
   * With `isolation=process`, what follows when the child process dies or
   * fails (a warning names the signal or exit code either way): `never`
   * closes the element (`rtcbot-closed`, EOS to every subscriber);
   * `on-failure` starts a new child after a backoff (100 ms doubling up to
   * 5 s), the subscribers keep their pads and policies.
   *
   * Since: 0.1
   */
  properties[PROP_RESTART] = g_param_spec_enum ("restart", "Restart",
      "What follows when the isolated process dies", GST_TYPE_RTCBOT_RESTART,
      GST_RTCBOT_DEFAULT_RESTART, G_PARAM_READWRITE |
      GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (gobject_class, N_PROPS, properties);

  /**
   * GstRtcbotSrc::put:
   * @rtcbotsrc: the element
   * @buffer: (transfer none): the message
   *
   * Sends @buffer to every subscription. Never blocks unless a `block`
   * subscription is full.
   *
   * Returns: GST_FLOW_OK (also when nobody subscribed: the message is
   * gone), GST_FLOW_EOS after `close`, GST_FLOW_ERROR for a NULL buffer.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT] = g_signal_new_class_handler ("put", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (put_action),
      NULL, NULL, NULL, GST_TYPE_FLOW_RETURN, 1,
      GST_TYPE_BUFFER | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * GstRtcbotSrc::put-string:
   * @rtcbotsrc: the element
   * @string: UTF-8 text
   *
   * Sends @string (without its NUL) as one `text/x-raw, format=utf8`
   * message.
   *
   * Returns: as `put`; GST_FLOW_ERROR and a warning when @string is not
   * valid UTF-8.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT_STRING] = g_signal_new_class_handler ("put-string", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_src_put_string), NULL, NULL, NULL,
      GST_TYPE_FLOW_RETURN, 1, G_TYPE_STRING);

  /**
   * GstRtcbotSrc::put-json:
   * @rtcbotsrc: the element
   * @json: a JSON document
   *
   * Validates @json and sends it as one `application/x-json` message.
   *
   * Returns: as `put`; GST_FLOW_ERROR and a warning naming the parse error
   * when @json is not valid JSON (nothing is sent).
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT_JSON] = g_signal_new_class_handler ("put-json", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_src_put_json), NULL, NULL, NULL,
      GST_TYPE_FLOW_RETURN, 1, G_TYPE_STRING);

  /**
   * GstRtcbotSrc::put-sample:
   * @rtcbotsrc: the element
   * @sample: (transfer none): buffer with caps and segment
   *
   * Sends the sample's buffer; its caps (when set) become the stream's caps
   * and a changed segment is forwarded.
   *
   * Returns: as `put`.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PUT_SAMPLE] = g_signal_new_class_handler ("put-sample", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_src_put_sample), NULL, NULL, NULL,
      GST_TYPE_FLOW_RETURN, 1, GST_TYPE_SAMPLE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * GstRtcbotSrc::get:
   * @rtcbotsrc: the element
   * @timeout: nanoseconds to wait, GST_CLOCK_TIME_NONE to wait for ever
   *
   * Pulls the oldest message from the application's default subscription
   * (see `policy` and `max-buffers`), creating it if needed.
   *
   * Returns: (transfer full) (nullable): the message with its caps, or NULL
   * on timeout, `unsubscribe`, shutdown or after `close`.
   *
   * Since: 0.1
   */
  signals[SIGNAL_GET] = g_signal_new_class_handler ("get", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (gst_rtcbot_src_get),
      NULL, NULL, NULL, GST_TYPE_SAMPLE, 1, G_TYPE_UINT64);

  /**
   * GstRtcbotSrc::unsubscribe:
   * @rtcbotsrc: the element
   *
   * Drops the application's default subscription and what it held; a
   * waiting `get` returns NULL. The next `get` starts a new one.
   *
   * Since: 0.1
   */
  signals[SIGNAL_UNSUBSCRIBE] = g_signal_new_class_handler ("unsubscribe",
      type, G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_rtcbot_src_unsubscribe), NULL, NULL, NULL,
      G_TYPE_NONE, 0);

  /**
   * GstRtcbotSrc::close:
   * @rtcbotsrc: the element
   *
   * Ends the stream: every subscription gets EOS after what it holds,
   * `rtcbot-closed` is posted, later puts return GST_FLOW_EOS. Idempotent.
   *
   * Since: 0.1
   */
  signals[SIGNAL_CLOSE] = g_signal_new_class_handler ("close", type,
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (gst_rtcbot_src_close),
      NULL, NULL, NULL, G_TYPE_NONE, 0);

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_rtcbot_src_change_state);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_rtcbot_src_request_new_pad);
  element_class->release_pad = GST_DEBUG_FUNCPTR (gst_rtcbot_src_release_pad);
  element_class->send_event = GST_DEBUG_FUNCPTR (gst_rtcbot_src_send_event);

  gst_element_class_add_pad_template (element_class,
      gst_pad_template_new_from_static_pad_template_with_gtype (&src_template,
          GST_TYPE_RTCBOT_SRC_PAD));
  gst_element_class_set_static_metadata (element_class, "RTCBot producer",
      "Source/Generic",
      "Fans application messages out to any number of subscriptions",
      "gst-rtcbot developers");

  gst_type_mark_as_plugin_api (GST_TYPE_RTCBOT_SRC_PAD, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RTCBOT_POLICY, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RTCBOT_ISOLATION, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_RTCBOT_RESTART, 0);
}

static void
gst_rtcbot_src_init (GstRtcbotSrc * self)
{
  self->default_autosubscribe = DEFAULT_PROP_DEFAULT_AUTOSUBSCRIBE;
  self->do_timestamp = DEFAULT_PROP_DO_TIMESTAMP;
  self->is_live = DEFAULT_PROP_IS_LIVE;
  self->policy = GST_RTCBOT_DEFAULT_POLICY;
  self->max_buffers = GST_RTCBOT_DEFAULT_MAX_BUFFERS;
  self->isolation = GST_RTCBOT_DEFAULT_ISOLATION;
  self->restart = GST_RTCBOT_DEFAULT_RESTART;
  gst_segment_init (&self->segment, GST_FORMAT_TIME);
  self->group_id = gst_util_group_id_next ();
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}

static void
gst_rtcbot_src_dispose (GObject * object)
{
  GstRtcbotSrc *self = GST_RTCBOT_SRC (object);

  g_clear_pointer (&self->subscribers, g_ptr_array_unref);
  g_clear_pointer (&self->default_sub, gst_rtcbot_queue_unref);

  G_OBJECT_CLASS (parent_class)->dispose (object);
}

static void
gst_rtcbot_src_finalize (GObject * object)
{
  GstRtcbotSrc *self = GST_RTCBOT_SRC (object);

  gst_clear_caps (&self->caps);
  gst_clear_caps (&self->current_caps);
  gst_clear_caps (&self->sample_caps);
  gst_clear_event (&self->caps_event);
  gst_clear_event (&self->segment_event);
  g_free (self->source);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

/* With the object lock. */
static void
ensure_default_subscription (GstRtcbotSrc * self)
{
  if (self->default_sub == NULL)
    self->default_sub = gst_rtcbot_queue_new (self->policy, self->max_buffers);
}

static void
gst_rtcbot_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstRtcbotSrc *self = GST_RTCBOT_SRC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CAPS:
      gst_caps_replace (&self->caps, (GstCaps *) gst_value_get_caps (value));
      break;
    case PROP_DEFAULT_AUTOSUBSCRIBE:
      self->default_autosubscribe = g_value_get_boolean (value);
      if (self->default_autosubscribe)
        ensure_default_subscription (self);
      break;
    case PROP_DO_TIMESTAMP:
      self->do_timestamp = g_value_get_boolean (value);
      break;
    case PROP_IS_LIVE:
      self->is_live = g_value_get_boolean (value);
      break;
    case PROP_POLICY:
    case PROP_MAX_BUFFERS:
      if (prop_id == PROP_POLICY)
        self->policy = g_value_get_enum (value);
      else
        self->max_buffers = g_value_get_uint (value);
      if (self->default_sub)
        gst_rtcbot_queue_configure (self->default_sub, self->policy,
            self->max_buffers);
      break;
    case PROP_SOURCE:
      g_free (self->source);
      self->source = g_value_dup_string (value);
      break;
    case PROP_ISOLATION:
      self->isolation = g_value_get_enum (value);
      break;
    case PROP_RESTART:
      self->restart = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_rtcbot_src_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstRtcbotSrc *self = GST_RTCBOT_SRC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CAPS:
      gst_value_set_caps (value, self->caps);
      break;
    case PROP_DEFAULT_AUTOSUBSCRIBE:
      g_value_set_boolean (value, self->default_autosubscribe);
      break;
    case PROP_DO_TIMESTAMP:
      g_value_set_boolean (value, self->do_timestamp);
      break;
    case PROP_IS_LIVE:
      g_value_set_boolean (value, self->is_live);
      break;
    case PROP_POLICY:
      g_value_set_enum (value, self->policy);
      break;
    case PROP_MAX_BUFFERS:
      g_value_set_uint (value, self->max_buffers);
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->lifecycle.ready);
      break;
    case PROP_CLOSED:
      g_value_set_boolean (value, self->lifecycle.closed);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
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

static gboolean
gst_rtcbot_src_pad_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstRtcbotSrc *self = GST_RTCBOT_SRC (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:{
      GstCaps *filter, *caps;

      gst_query_parse_caps (query, &filter);
      GST_OBJECT_LOCK (self);
      caps = self->current_caps ? self->current_caps : self->caps;
      caps = caps ? gst_caps_ref (caps) : gst_caps_new_any ();
      GST_OBJECT_UNLOCK (self);
      if (filter) {
        GstCaps *tmp = gst_caps_intersect_full (filter, caps,
            GST_CAPS_INTERSECT_FIRST);

        gst_caps_unref (caps);
        caps = tmp;
      }
      gst_query_set_caps_result (query, caps);
      gst_caps_unref (caps);
      return TRUE;
    }
    case GST_QUERY_LATENCY:{
      gboolean live;

      GST_OBJECT_LOCK (self);
      live = self->is_live;
      GST_OBJECT_UNLOCK (self);
      gst_query_set_latency (query, live, 0, GST_CLOCK_TIME_NONE);
      return TRUE;
    }
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* A (re)activated subscription starts with stream-start; its first message
 * brings the caps and segment in force along. */
static gboolean
gst_rtcbot_src_pad_activate (GstRtcbotSrc * self, GstRtcbotSrcPad * spad)
{
  GstPad *pad = GST_PAD_CAST (spad);
  GstEvent *stream_start;
  gchar *stream_id;
  gboolean closed;

  stream_id = gst_pad_create_stream_id (pad, GST_ELEMENT_CAST (self),
      GST_PAD_NAME (pad));
  stream_start = gst_event_new_stream_start (stream_id);
  g_free (stream_id);
  GST_OBJECT_LOCK (self);
  gst_event_set_group_id (stream_start, self->group_id);
  closed = self->lifecycle.closed;
  GST_OBJECT_UNLOCK (self);

  /* the task is stopped: its fields are ours */
  spad->streaming = FALSE;
  gst_rtcbot_queue_start (spad->queue, stream_start);
  gst_event_take (&spad->stream_start, stream_start);
  /* a subscription that starts after close is over at once */
  if (closed) {
    GstEvent *eos = gst_event_new_eos ();

    gst_rtcbot_queue_push_event (spad->queue, eos);
    gst_event_unref (eos);
  }
  spad->flow_error_posted = FALSE;

  return gst_pad_start_task (pad, (GstTaskFunction) gst_rtcbot_src_pad_loop,
      pad, NULL);
}

/* GstPad sets a pad flushing before asking us to deactivate it and unsets
 * it before asking us to activate it; a pad that is flushing when our
 * activation finally runs was taken over by a deactivation from another
 * thread, whose own call already ran (or waits for us): starting a task
 * now would leave it running on a deactivated pad. */
static gboolean
deactivation_under_way (GstPad * pad)
{
  gboolean flushing;

  GST_OBJECT_LOCK (pad);
  flushing = GST_PAD_IS_FLUSHING (pad);
  GST_OBJECT_UNLOCK (pad);
  return flushing;
}

/* Serialized with release and with other (de)activations by the pad's
 * activation lock. */
static gboolean
gst_rtcbot_src_pad_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstRtcbotSrcPad *spad = GST_RTCBOT_SRC_PAD (pad);
  gboolean ret = TRUE;

  if (mode != GST_PAD_MODE_PUSH)
    return FALSE;

  g_mutex_lock (&spad->activation_lock);
  if (active && !spad->released && !deactivation_under_way (pad)) {
    ret = gst_rtcbot_src_pad_activate (GST_RTCBOT_SRC (parent), spad);
  } else if (!active) {
    gst_rtcbot_queue_set_flushing (spad->queue, TRUE);
    ret = gst_pad_stop_task (pad);
    gst_rtcbot_queue_clear (spad->queue);
    gst_rtcbot_queue_array_clear (spad->work);
  }
  g_mutex_unlock (&spad->activation_lock);
  return ret;
}

static GstPad *
gst_rtcbot_src_request_new_pad (GstElement * element, GstPadTemplate * templ,
    const gchar * name, const GstCaps * caps)
{
  GstRtcbotSrc *self = GST_RTCBOT_SRC (element);
  GstPad *pad;
  gchar *pad_name;
  guint id;

  GST_OBJECT_LOCK (self);
  if (name && sscanf (name, "src_%u", &id) == 1) {
    if (id >= self->next_pad_id)
      self->next_pad_id = id + 1;
  } else {
    id = self->next_pad_id++;
  }
  GST_OBJECT_UNLOCK (self);

  pad_name = g_strdup_printf ("src_%u", id);
  pad = g_object_new (GST_TYPE_RTCBOT_SRC_PAD, "name", pad_name, "direction",
      GST_PAD_SRC, "template", templ, NULL);
  g_free (pad_name);

  gst_pad_set_activatemode_function (pad,
      GST_DEBUG_FUNCPTR (gst_rtcbot_src_pad_activate_mode));
  gst_pad_set_query_function (pad,
      GST_DEBUG_FUNCPTR (gst_rtcbot_src_pad_query));
  GST_OBJECT_FLAG_SET (pad, GST_PAD_FLAG_PROXY_ALLOCATION);

  /* on failure add_pad has disposed of the floating pad */
  if (!gst_element_add_pad (element, pad))
    goto add_failed;

  GST_DEBUG_OBJECT (self, "new subscription %" GST_PTR_FORMAT, pad);
  return pad;

  /* ERRORS */
add_failed:
  {
    GST_WARNING_OBJECT (self, "a pad named %s exists already", name);
    return NULL;
  }
}

static void
gst_rtcbot_src_release_pad (GstElement * element, GstPad * pad)
{
  GstRtcbotSrc *self = GST_RTCBOT_SRC (element);
  GstRtcbotSrcPad *spad = GST_RTCBOT_SRC_PAD (pad);

  GST_DEBUG_OBJECT (self, "releasing %" GST_PTR_FORMAT, pad);

  /* let go of the pad refs promptly; puts under way hold their own */
  GST_OBJECT_LOCK (self);
  g_clear_pointer (&self->subscribers, g_ptr_array_unref);
  GST_OBJECT_UNLOCK (self);

  g_mutex_lock (&spad->activation_lock);
  spad->released = TRUE;
  g_mutex_unlock (&spad->activation_lock);
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
}

/* With the object lock: the subscriptions as of now, rebuilt only when the
 * pads changed. */
static GPtrArray *
acquire_subscribers (GstRtcbotSrc * self)
{
  GstElement *element = GST_ELEMENT_CAST (self);
  GList *l;

  if (self->subscribers == NULL
      || self->subscribers_cookie != element->pads_cookie) {
    g_clear_pointer (&self->subscribers, g_ptr_array_unref);
    self->subscribers = g_ptr_array_new_full (element->numsrcpads,
        gst_object_unref);
    for (l = element->srcpads; l; l = l->next)
      g_ptr_array_add (self->subscribers, gst_object_ref (l->data));
    self->subscribers_cookie = element->pads_cookie;
  }
  return g_ptr_array_ref (self->subscribers);
}

static void
warn_dropped (GstRtcbotSrc * self, GstPad * pad,
    const GstRtcbotQueueDrops * drops)
{
  GST_ELEMENT_WARNING (self, STREAM, FAILED,
      ("Subscriber %s cannot keep up: %" G_GUINT64_FORMAT " messages "
          "dropped so far.", GST_PAD_NAME (pad), drops->dropped_total),
      ("policy fifo, max-buffers %u; use policy=block to lose nothing or "
          "raise max-buffers", gst_rtcbot_queue_get_max_buffers
          (GST_RTCBOT_SRC_PAD (pad)->queue)));
}

/* With the object lock: makes @caps and @segment (when given) the ones in
 * force and returns refs of them as events. */
static void
take_sticky (GstRtcbotSrc * self, GstCaps * caps, const GstSegment * segment,
    GstRtcbotSticky * sticky)
{
  gboolean caps_changed = caps != self->current_caps
      && (self->current_caps == NULL
      || !gst_caps_is_equal (caps, self->current_caps));
  gboolean segment_changed = segment
      && !gst_segment_is_equal (segment, &self->segment);

  if (G_UNLIKELY (caps_changed)) {
    gst_caps_replace (&self->current_caps, caps);
    gst_event_take (&self->caps_event, gst_event_new_caps (caps));
  }
  if (G_UNLIKELY (segment_changed))
    gst_segment_copy_into (segment, &self->segment);
  /* caps must be followed by a segment before data */
  if (G_UNLIKELY (caps_changed || segment_changed))
    gst_event_take (&self->segment_event,
        gst_event_new_segment (&self->segment));

  sticky->caps = gst_event_ref (self->caps_event);
  sticky->segment = gst_event_ref (self->segment_event);
}

/* Hands @buffer (transfer full) to every subscription. @caps and @segment,
 * when given, describe it. */
static GstFlowReturn
gst_rtcbot_src_send (GstRtcbotSrc * self, GstBuffer * buffer,
    GstCaps * caps, const GstSegment * segment)
{
  GstRtcbotSticky sticky;
  GPtrArray *subscribers;
  GstRtcbotQueue *default_sub = NULL;
  GstSample *sample = NULL;
  GstCaps *bytes_caps = NULL;
  GstClock *clock = NULL;
  GstClockTime base_time = 0;
  GstFlowReturn ret = GST_FLOW_OK;
  guint i;

  GST_OBJECT_LOCK (self);
  if (G_UNLIKELY (self->lifecycle.closed))
    goto closed;

  if (caps == NULL)
    caps = self->caps ? self->caps : self->sample_caps;
  if (caps == NULL)
    caps = bytes_caps = gst_rtcbot_bytes_caps ();
  take_sticky (self, caps, segment, &sticky);

  /* the running time only runs in PLAYING */
  if (G_UNLIKELY (self->do_timestamp && GST_ELEMENT_CLOCK (self)
          && GST_STATE (self) == GST_STATE_PLAYING)) {
    clock = gst_object_ref (GST_ELEMENT_CLOCK (self));
    base_time = GST_ELEMENT_CAST (self)->base_time;
  }

  subscribers = acquire_subscribers (self);
  if (self->default_sub) {
    default_sub = gst_rtcbot_queue_ref (self->default_sub);
    sample = gst_sample_new (buffer, self->current_caps, &self->segment, NULL);
  }
  GST_OBJECT_UNLOCK (self);

  if (G_UNLIKELY (clock)) {
    GstClockTime now = gst_clock_get_time (clock);

    buffer = gst_buffer_make_writable (buffer);
    GST_BUFFER_PTS (buffer) = now > base_time ? now - base_time : 0;
    GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
    gst_object_unref (clock);
  }

  for (i = 0; i < subscribers->len; i++) {
    GstRtcbotSrcPad *pad = g_ptr_array_index (subscribers, i);
    GstRtcbotQueueDrops drops;

    /* a flushing subscription is one that is not running: it misses this;
     * one that has EOS means close won the race with this put */
    if (gst_rtcbot_queue_push (pad->queue, &sticky,
            GST_MINI_OBJECT_CAST (gst_buffer_ref (buffer)), &drops)
        == GST_FLOW_EOS)
      ret = GST_FLOW_EOS;
    if (G_UNLIKELY (drops.warn))
      warn_dropped (self, GST_PAD_CAST (pad), &drops);
  }
  if (default_sub) {
    GstRtcbotQueueDrops drops;

    gst_rtcbot_queue_push (default_sub, NULL, GST_MINI_OBJECT_CAST (sample),
        &drops);
    if (G_UNLIKELY (drops.warn))
      GST_ELEMENT_WARNING (self, STREAM, FAILED,
          ("The application is not getting messages fast enough: %"
              G_GUINT64_FORMAT " dropped so far.", drops.dropped_total),
          ("default subscription: policy fifo, max-buffers %u; call get "
              "more often, set policy=block or raise max-buffers",
              gst_rtcbot_queue_get_max_buffers (default_sub)));
    gst_rtcbot_queue_unref (default_sub);
  }

  g_ptr_array_unref (subscribers);
  gst_event_unref (sticky.caps);
  gst_event_unref (sticky.segment);
  gst_clear_caps (&bytes_caps);
  gst_buffer_unref (buffer);
  return ret;

  /* ERRORS */
closed:
  {
    GST_OBJECT_UNLOCK (self);
    GST_DEBUG_OBJECT (self, "closed, refusing message");
    gst_buffer_unref (buffer);
    return GST_FLOW_EOS;
  }
}

/**
 * gst_rtcbot_src_put:
 * @src: a #GstRtcbotSrc
 * @buffer: (transfer full): the message
 *
 * Sends @buffer to every subscription, as the `put` action signal does but
 * without signal marshalling, and taking ownership of @buffer as
 * gst_app_src_push_buffer() does. The message is described by the `caps`
 * property, else the caps of the last put sample, else as bytes. Never
 * blocks unless a `block` subscription is full. Thread-safe.
 *
 * Returns: GST_FLOW_OK (also when nobody subscribed: the message is gone),
 * GST_FLOW_EOS once closed.
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_src_put (GstRtcbotSrc * src, GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_RTCBOT_SRC (src), GST_FLOW_ERROR);
  g_return_val_if_fail (GST_IS_BUFFER (buffer), GST_FLOW_ERROR);

  return gst_rtcbot_src_send (src, buffer, NULL, NULL);
}

static GstFlowReturn
put_action (GstRtcbotSrc * self, GstBuffer * buffer)
{
  g_return_val_if_fail (GST_IS_BUFFER (buffer), GST_FLOW_ERROR);

  return gst_rtcbot_src_send (self, gst_buffer_ref (buffer), NULL, NULL);
}

static GstFlowReturn
put_message (GstRtcbotSrc * self, GstRtcbotMessageKind kind,
    const gchar * string)
{
  GstCaps *caps;
  GstBuffer *buffer = gst_rtcbot_message_new (GST_ELEMENT_CAST (self), kind,
      string, &caps);
  GstFlowReturn ret;

  if (buffer == NULL)
    return GST_FLOW_ERROR;
  ret = gst_rtcbot_src_send (self, buffer, caps, NULL);
  gst_caps_unref (caps);
  return ret;
}

/**
 * gst_rtcbot_src_put_string:
 * @src: a #GstRtcbotSrc
 * @string: UTF-8 text
 *
 * Sends @string (without its NUL) as one `text/x-raw, format=utf8`
 * message, as the `put-string` action signal does.
 *
 * Returns: as gst_rtcbot_src_put(); GST_FLOW_ERROR and a warning when
 * @string is not valid UTF-8.
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_src_put_string (GstRtcbotSrc * src, const gchar * string)
{
  g_return_val_if_fail (GST_IS_RTCBOT_SRC (src), GST_FLOW_ERROR);

  return put_message (src, GST_RTCBOT_MESSAGE_TEXT, string);
}

/**
 * gst_rtcbot_src_put_json:
 * @src: a #GstRtcbotSrc
 * @json: a JSON document
 *
 * Validates @json and sends it as one `application/x-json` message, as the
 * `put-json` action signal does.
 *
 * Returns: as gst_rtcbot_src_put(); GST_FLOW_ERROR and a warning naming
 * the parse error when @json is not valid JSON (nothing is sent).
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_src_put_json (GstRtcbotSrc * src, const gchar * json)
{
  g_return_val_if_fail (GST_IS_RTCBOT_SRC (src), GST_FLOW_ERROR);

  return put_message (src, GST_RTCBOT_MESSAGE_JSON, json);
}

/**
 * gst_rtcbot_src_put_sample:
 * @src: a #GstRtcbotSrc
 * @sample: (transfer none): buffer with caps and segment
 *
 * Sends the sample's buffer, as the `put-sample` action signal does: its
 * caps (when set) become the stream's caps and a changed segment is
 * forwarded.
 *
 * Returns: as gst_rtcbot_src_put().
 *
 * Since: 0.1
 */
GstFlowReturn
gst_rtcbot_src_put_sample (GstRtcbotSrc * src, GstSample * sample)
{
  GstRtcbotSrc *self = src;
  GstBuffer *buffer;
  GstCaps *caps;

  g_return_val_if_fail (GST_IS_RTCBOT_SRC (src), GST_FLOW_ERROR);
  g_return_val_if_fail (GST_IS_SAMPLE (sample), GST_FLOW_ERROR);
  buffer = gst_sample_get_buffer (sample);
  g_return_val_if_fail (buffer != NULL, GST_FLOW_ERROR);

  caps = gst_sample_get_caps (sample);
  if (caps) {
    GST_OBJECT_LOCK (self);
    gst_caps_replace (&self->sample_caps, caps);
    GST_OBJECT_UNLOCK (self);
  }

  return gst_rtcbot_src_send (self, gst_buffer_ref (buffer),
      gst_sample_get_caps (sample), gst_sample_get_segment (sample));
}

/**
 * gst_rtcbot_src_get:
 * @src: a #GstRtcbotSrc
 * @timeout: nanoseconds to wait, GST_CLOCK_TIME_NONE to wait for ever
 *
 * Pulls the oldest message from the application's default subscription
 * (see `policy` and `max-buffers`), creating it if needed; the `get`
 * action signal without marshalling.
 *
 * Returns: (transfer full) (nullable): the message with its caps, or NULL
 * on timeout, gst_rtcbot_src_unsubscribe(), shutdown or once closed.
 *
 * Since: 0.1
 */
GstSample *
gst_rtcbot_src_get (GstRtcbotSrc * src, GstClockTime timeout)
{
  GstRtcbotSrc *self = src;
  GstRtcbotQueue *queue;
  GstMiniObject *item;
  gboolean discont = FALSE;

  g_return_val_if_fail (GST_IS_RTCBOT_SRC (src), NULL);

  GST_OBJECT_LOCK (self);
  if (self->lifecycle.closed && self->default_sub == NULL) {
    /* nothing can come any more */
    GST_OBJECT_UNLOCK (self);
    return NULL;
  }
  ensure_default_subscription (self);
  queue = gst_rtcbot_queue_ref (self->default_sub);
  GST_OBJECT_UNLOCK (self);

  item = gst_rtcbot_queue_pop (queue, timeout, &discont);
  gst_rtcbot_queue_unref (queue);

  if (item && discont)
    item = GST_MINI_OBJECT_CAST (gst_rtcbot_sample_mark_discont (GST_SAMPLE
            (item)));
  return (GstSample *) item;
}

/**
 * gst_rtcbot_src_unsubscribe:
 * @src: a #GstRtcbotSrc
 *
 * Drops the application's default subscription and what it held; a
 * waiting gst_rtcbot_src_get() returns NULL. The next get starts a new
 * one. As the `unsubscribe` action signal.
 *
 * Since: 0.1
 */
void
gst_rtcbot_src_unsubscribe (GstRtcbotSrc * src)
{
  GstRtcbotSrc *self = src;
  GstRtcbotQueue *queue;

  g_return_if_fail (GST_IS_RTCBOT_SRC (src));

  GST_OBJECT_LOCK (self);
  queue = g_steal_pointer (&self->default_sub);
  GST_OBJECT_UNLOCK (self);

  if (queue) {
    gst_rtcbot_queue_set_flushing (queue, TRUE);
    gst_rtcbot_queue_unref (queue);
  }
}

/* EOS to every subscriber after what they already hold, `rtcbot-closed`
 * with @reason; only the first call does anything. */
static void
gst_rtcbot_src_end (GstRtcbotSrc * self, const gchar * reason)
{
  GstEvent *eos;
  GPtrArray *subscribers;
  GstRtcbotQueue *default_sub;
  guint i;

  if (!gst_rtcbot_lifecycle_close (GST_ELEMENT_CAST (self), &self->lifecycle,
          properties[PROP_READY], properties[PROP_CLOSED], reason))
    return;

  GST_OBJECT_LOCK (self);
  subscribers = acquire_subscribers (self);
  default_sub = self->default_sub ?
      gst_rtcbot_queue_ref (self->default_sub) : NULL;
  GST_OBJECT_UNLOCK (self);

  eos = gst_event_new_eos ();
  for (i = 0; i < subscribers->len; i++) {
    GstRtcbotSrcPad *pad = g_ptr_array_index (subscribers, i);

    gst_rtcbot_queue_push_event (pad->queue, eos);
  }
  if (default_sub) {
    gst_rtcbot_queue_push_event (default_sub, eos);
    gst_rtcbot_queue_unref (default_sub);
  }
  gst_event_unref (eos);
  g_ptr_array_unref (subscribers);
}

/**
 * gst_rtcbot_src_close:
 * @src: a #GstRtcbotSrc
 *
 * Ends the stream, as the `close` action signal does: every subscription
 * gets EOS after what it holds, `rtcbot-closed` is posted, later puts
 * return GST_FLOW_EOS. Idempotent.
 *
 * Since: 0.1
 */
void
gst_rtcbot_src_close (GstRtcbotSrc * src)
{
  g_return_if_fail (GST_IS_RTCBOT_SRC (src));

  gst_rtcbot_src_end (src, "closed by the application");
}

/* An EOS sent to the element (gst-launch-1.0 -e on Ctrl-C, or
 * gst_element_send_event() by an application) ends the stream as `close`
 * does, so the pipeline can reach EOS; like appsrc's, it comes after the
 * messages already put. */
static gboolean
gst_rtcbot_src_send_event (GstElement * element, GstEvent * event)
{
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS) {
    gst_rtcbot_src_end (GST_RTCBOT_SRC (element), "end of stream");
    gst_event_unref (event);
    return TRUE;
  }
  return GST_ELEMENT_CLASS (parent_class)->send_event (element, event);
}

static void
set_default_sub_flushing (GstRtcbotSrc * self, gboolean flushing)
{
  GstRtcbotQueue *queue;

  GST_OBJECT_LOCK (self);
  queue = self->default_sub ? gst_rtcbot_queue_ref (self->default_sub) : NULL;
  GST_OBJECT_UNLOCK (self);

  if (queue == NULL)
    return;
  gst_rtcbot_queue_set_flushing (queue, flushing);
  if (!flushing)
    gst_rtcbot_queue_clear (queue);
  gst_rtcbot_queue_unref (queue);
}

/* The `source` description's output goes the way of put-sample. */
static GstFlowReturn
source_buffer (GstElement * element, GstBuffer * buffer, GstCaps * caps,
    const GstSegment * segment)
{
  return gst_rtcbot_src_send (GST_RTCBOT_SRC (element), buffer, caps, segment);
}

static void
source_ended (GstElement * element, const gchar * reason)
{
  gst_rtcbot_src_end (GST_RTCBOT_SRC (element), reason);
}

/* A restarted child is ready again, a dead one is not; readiness only
 * exists while PLAYING. */
static void
source_ready (GstElement * element, gboolean ready)
{
  GstRtcbotSrc *self = GST_RTCBOT_SRC (element);

  if (ready && GST_STATE (element) != GST_STATE_PLAYING)
    return;
  gst_rtcbot_lifecycle_set_ready (element, &self->lifecycle,
      properties[PROP_READY], ready);
}

static gboolean
start_source (GstRtcbotSrc * self)
{
  static const GstRtcbotRunnerCallbacks callbacks = {
    source_buffer, source_ended, source_ready
  };
  GstRtcbotRunner *runner = NULL;

  GST_OBJECT_LOCK (self);
  if (self->source)
    runner = gst_rtcbot_runner_new (GST_ELEMENT_CAST (self),
        GST_RTCBOT_RUNNER_SOURCE, self->source, self->isolation,
        self->restart, &callbacks, NULL);
  GST_OBJECT_UNLOCK (self);

  if (runner == NULL)
    return TRUE;
  if (!gst_rtcbot_runner_start (runner)) {
    gst_rtcbot_runner_free (runner);
    return FALSE;
  }
  self->runner = runner;
  return TRUE;
}

static void
stop_source (GstRtcbotSrc * self)
{
  g_clear_pointer (&self->runner, gst_rtcbot_runner_free);
}

static GstStateChangeReturn
gst_rtcbot_src_change_state (GstElement * element, GstStateChange transition)
{
  GstRtcbotSrc *self = GST_RTCBOT_SRC (element);
  GstStateChangeReturn ret;
  gboolean live;

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      /* a bad description fails here, before anything runs */
      if (!start_source (self))
        return GST_STATE_CHANGE_FAILURE;
      break;
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      gst_rtcbot_lifecycle_set_ready (element, &self->lifecycle,
          properties[PROP_READY], FALSE);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* wake a get that waits, as a flushing appsink would */
      set_default_sub_flushing (self, TRUE);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      stop_source (self);
    return ret;
  }

  GST_OBJECT_LOCK (self);
  live = self->is_live;
  GST_OBJECT_UNLOCK (self);

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      if (live)
        ret = GST_STATE_CHANGE_NO_PREROLL;
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      if (self->runner)
        gst_rtcbot_runner_play (self->runner);
      gst_rtcbot_lifecycle_set_ready (element, &self->lifecycle,
          properties[PROP_READY], TRUE);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      /* the subscriptions are flushing: nothing the description still
       * hands over can block its threads now */
      stop_source (self);
      set_default_sub_flushing (self, FALSE);
      gst_rtcbot_lifecycle_reopen (element, &self->lifecycle,
          properties[PROP_CLOSED]);
      break;
    default:
      break;
  }
  return ret;
}
