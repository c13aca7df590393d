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


#ifndef __GST_RTCBOT_ISOLATION_H__
#define __GST_RTCBOT_ISOLATION_H__

#include "rtcbot-prelude.h"
#include <gst/gst.h>

#include "gstrtcbotqueue.h"

G_BEGIN_DECLS

/**
 * GstRtcbotIsolation:
 * @GST_RTCBOT_ISOLATION_NONE: the description runs in a private pipeline
 *   of this process
 * @GST_RTCBOT_ISOLATION_PROCESS: the description runs in a child process
 *   (the `gst-rtcbot-isolate` helper); a crash there cannot take this
 *   process down
 *
 * Where an element's `source` or `sink` description runs (RTCBot's
 * ProcessSubscriptionProducer).
 *
 * Since: 0.1
 */
typedef enum
{
  GST_RTCBOT_ISOLATION_NONE,
  GST_RTCBOT_ISOLATION_PROCESS,
} GstRtcbotIsolation;

#define GST_TYPE_RTCBOT_ISOLATION (gst_rtcbot_isolation_get_type ())
GST_RTCBOT_API
GType gst_rtcbot_isolation_get_type (void);

/**
 * GstRtcbotRestart:
 * @GST_RTCBOT_RESTART_NEVER: a child process that dies closes the element
 * @GST_RTCBOT_RESTART_ON_FAILURE: a child process that dies or fails is
 *   started again, after 100 ms doubling up to 5 s (back to 100 ms after
 *   10 s of healthy running)
 *
 * What an element with `isolation=process` does when its child process
 * dies. A child whose description ended (EOS) is never restarted.
 *
 * Since: 0.1
 */
typedef enum
{
  GST_RTCBOT_RESTART_NEVER,
  GST_RTCBOT_RESTART_ON_FAILURE,
} GstRtcbotRestart;

#define GST_TYPE_RTCBOT_RESTART (gst_rtcbot_restart_get_type ())
GST_RTCBOT_API
GType gst_rtcbot_restart_get_type (void);

#define GST_RTCBOT_DEFAULT_ISOLATION GST_RTCBOT_ISOLATION_NONE
#define GST_RTCBOT_DEFAULT_RESTART GST_RTCBOT_RESTART_NEVER

/* Environment variable overriding the compiled-in helper path. */
#define GST_RTCBOT_HELPER_ENV "GST_RTCBOT_HELPER"

typedef enum
{
  GST_RTCBOT_RUNNER_SOURCE,     /* the description produces for the element */
  GST_RTCBOT_RUNNER_SINK,       /* the description consumes what it gets */
} GstRtcbotRunnerMode;

/* Called from the runner's threads (or the private pipeline's), never
 * with a runner lock held. */
typedef struct
{
  /* source mode: @buffer (transfer full) came out of the description */
  GstFlowReturn (*buffer) (GstElement * element, GstBuffer * buffer,
      GstCaps * caps, const GstSegment * segment);
  /* the description ended (EOS) or its process died for good */
  void (*ended) (GstElement * element, const gchar * reason);
  /* the description started running, or its process died */
  void (*ready) (GstElement * element, gboolean ready);
} GstRtcbotRunnerCallbacks;

/* Runs a gst-launch description for an element: in a private pipeline or
 * in a child process, restarting it as the element says. Data of the
 * description comes out through callbacks (source mode) or goes in from
 * the element's queue (sink mode). */
typedef struct _GstRtcbotRunner GstRtcbotRunner;

GST_RTCBOT_API
GstRtcbotRunner *gst_rtcbot_runner_new (GstElement * element,
    GstRtcbotRunnerMode mode, const gchar * description,
    GstRtcbotIsolation isolation, GstRtcbotRestart restart,
    const GstRtcbotRunnerCallbacks * callbacks, GstRtcbotQueue * input);
GST_RTCBOT_API
gboolean gst_rtcbot_runner_start (GstRtcbotRunner * runner);
GST_RTCBOT_API
void gst_rtcbot_runner_play (GstRtcbotRunner * runner);
GST_RTCBOT_API
void gst_rtcbot_runner_free (GstRtcbotRunner * runner);

G_END_DECLS

#endif /* __GST_RTCBOT_ISOLATION_H__ */
