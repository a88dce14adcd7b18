/*
 * riskd detector plugin ABI, version 1.4.
 *
 * 1.1 added RISKD_SETTING_FILE. 1.2 added state: riskd_detector_state_keys,
 * riskd_event.state and riskd_result_sink.put_state / add_to_counter.
 * 1.3 added riskd_event.device_trust. 1.4 added
 * riskd_result_sink.add_to_shared_counter.
 * A plugin built for an older minor loads in a newer host.
 *
 * A detector plugin is a shared library that exports the C functions declared
 * below. Only C types cross this boundary: no C++ classes, STL types,
 * exceptions or protobuf objects. Write plugins in C against this header, or in
 * C++ with the header-only SDK in <riskd/detector.h>.
 *
 * VERSIONING
 *   The host first calls riskd_plugin_api_version() and refuses the library when
 *   the major differs from RISKD_DETECTOR_API_MAJOR or the minor is newer than
 *   the host's. Minor versions only add optional symbols or append fields at the
 *   end of structs that carry a struct_size.
 *
 * SYMBOLS
 *   Required: riskd_plugin_api_version, riskd_plugin_describe,
 *             riskd_detector_create, riskd_detector_evaluate,
 *             riskd_detector_destroy.
 *   Optional: riskd_detector_state_keys (1.2).
 *   A library missing one of them is refused at load, naming the symbol.
 *
 * LIFECYCLE AND THREADING
 *   1. The host loads the library once and calls riskd_plugin_api_version() and
 *      riskd_plugin_describe(). The library stays loaded until every detector
 *      it created has been destroyed.
 *   2. For each `detectors:` entry that names the library, the host validates
 *      the entry's `settings` against the config schema from describe(), then
 *      calls riskd_detector_create() once. One library may back several
 *      instances with different settings. A config reload creates new instances
 *      before the old ones are destroyed.
 *   3. riskd_detector_evaluate() is called for every event, CONCURRENTLY from
 *      several threads on the same instance. It must not block on I/O: all it
 *      needs arrives in the event, with the state values it asked for.
 *
 * STATE (1.2)
 *   Before evaluate, the host calls riskd_detector_state_keys() (when the
 *   plugin exports it) to learn which keys this event needs, reads them for
 *   every detector in ONE batch, and passes them in riskd_event.state. The
 *   writes evaluate asks for (put_state, add_to_counter) are committed with
 *   the event, before the reply; they are dropped when evaluate fails.
 *   Keys are the plugin's own: the host stores them under "p:<detector
 *   instance name>:", so instances never see each other's state. Put a
 *   {hash tag} in a key ("{203.0.113.9}:fails") to keep related keys in one
 *   Redis Cluster slot. Counters are decimal text, shared safely by every
 *   riskd replica; their expiry is fixed when they are created, so a counter
 *   per time bucket ends with its window.
 *   Shared counters (1.4, add_to_shared_counter) are for statistics that
 *   many events add to, such as a population's frequencies: the host sums
 *   every event's adds to a key in memory and writes the sums about once a
 *   second, so that a popular counter costs one write a second instead of
 *   one per event. Reads see the counter as of the last write (up to about a
 *   second behind), and a riskd killed with -9 loses the last second's adds.
 *   Use add_to_counter where each event must see the one before it (rate
 *   limits, attack counters).
 *   4. riskd_detector_destroy() is called once per instance, after the last
 *      evaluate on it has returned.
 *
 * OWNERSHIP
 *   Everything the host passes in (events, settings, strings) is owned by the
 *   host and valid only for the duration of the call: copy what you keep.
 *   Everything the plugin returns from describe() (strings, arrays) must stay
 *   valid while the library is loaded: use static storage.
 *   Results are written through the riskd_result_sink callbacks, which copy.
 *
 * ERRORS
 *   No C++ exception may cross this boundary. Report errors with return codes
 *   and the riskd_error / riskd_result_sink.set_error channels.
 */
#ifndef RISKD_DETECTOR_ABI_H_
#define RISKD_DETECTOR_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RISKD_DETECTOR_API_MAJOR 1
#define RISKD_DETECTOR_API_MINOR 4

#if defined(_WIN32)
#define RISKD_EXPORT __declspec(dllexport)
#else
#define RISKD_EXPORT __attribute__((visibility("default")))
#endif

/* A borrowed, not necessarily NUL-terminated string. */
typedef struct riskd_string {
  const char* data;
  size_t size;
} riskd_string;

typedef struct riskd_key_value {
  riskd_string key;
  riskd_string value;
} riskd_key_value;

/* Mirrors riskd.v1.EventType. */
typedef enum riskd_event_type {
  RISKD_EVENT_UNSPECIFIED = 0,
  RISKD_EVENT_LOGIN_SUCCEEDED = 1,
  RISKD_EVENT_LOGIN_FAILED = 2,
  RISKD_EVENT_REGISTRATION = 3,
  RISKD_EVENT_PROFILE_UPDATE = 4,
  RISKD_EVENT_PASSWORD_RESET_REQUESTED = 5,
  RISKD_EVENT_PASSWORD_RESET_SUCCEEDED = 6,
  RISKD_EVENT_TRANSACTION = 7,
  RISKD_EVENT_CHALLENGE_SUCCEEDED = 8,
  RISKD_EVENT_CHALLENGE_FAILED = 9
} riskd_event_type;

/* What the user said about the event's device (1.3). */
typedef enum riskd_device_trust {
  RISKD_DEVICE_UNKNOWN = 0,  /* new for this user, or no state */
  RISKD_DEVICE_KNOWN = 1,    /* seen before, no feedback */
  RISKD_DEVICE_APPROVED = 2, /* "this was me", or a passed challenge */
  RISKD_DEVICE_REPORTED = 3  /* "this was not me" */
} riskd_device_trust;

typedef enum riskd_ip_family {
  RISKD_IP_NONE = 0, /* the event carried no IP */
  RISKD_IP_V4 = 4,
  RISKD_IP_V6 = 6
} riskd_ip_family;

/*
 * A validated, normalised event. The host has already checked every field:
 * the IP parses (IPv4-mapped IPv6 is reported as IPv4), the email is lower-case
 * with a domain, header names are lower-case, timestamps are sane.
 */
typedef struct riskd_event {
  uint32_t struct_size;     /* sizeof(riskd_event) as the host knows it */
  int32_t type;             /* riskd_event_type */
  int64_t occurred_at_ms;   /* unix milliseconds */
  int64_t registered_at_ms; /* unix milliseconds; 0 when unknown */
  riskd_string request_id;
  riskd_string user_id;      /* may be empty for registrations */
  riskd_string email;        /* lower-case; empty when not sent */
  riskd_string email_domain; /* the part after '@'; empty when no email */
  riskd_string ip;           /* canonical text form; empty when not sent */
  int32_t ip_family;         /* riskd_ip_family */
  uint8_t ip_bytes[16];      /* network order; the first 4 bytes for IPv4 */
  riskd_string user_agent;
  riskd_string device_id;         /* sent by the app or derived by the host */
  const riskd_key_value* headers; /* names lower-case */
  size_t header_count;
  const riskd_key_value* properties;
  size_t property_count;
  /* 1.2: the state values this detector asked for, in the order asked. */
  const struct riskd_state_value* state;
  size_t state_count;
  /* 1.3: riskd_device_trust, from the user's record. Set for evaluate;
   * always RISKD_DEVICE_UNKNOWN in state_keys (the record is read in the
   * same batch as the detectors' keys). Check struct_size before reading. */
  int32_t device_trust;
} riskd_event;

/* A state value read for the detector (1.2). */
typedef struct riskd_state_value {
  riskd_string key;   /* as the plugin named it */
  riskd_string value; /* empty when absent */
  int32_t present;
} riskd_state_value;

/* Where riskd_detector_state_keys() names the keys it needs (1.2). */
typedef struct riskd_key_sink {
  void* host_context;
  void (*want)(void* host_context, riskd_string key);
} riskd_key_sink;

/* Config schema: what a detector's `settings:` section may hold. */
typedef enum riskd_setting_type {
  RISKD_SETTING_STRING = 1,
  RISKD_SETTING_INT = 2,
  RISKD_SETTING_DOUBLE = 3,
  RISKD_SETTING_BOOL = 4,
  RISKD_SETTING_STRING_LIST = 5,
  /* Since 1.1: the path of a data file (a list, a GeoIP database). The host
   * resolves a relative path against the config file's folder, refuses an
   * unreadable file at load (naming the config line), passes the absolute
   * path, and watches the file: when it changes, riskd creates new detector
   * instances beside the running ones and swaps them in, so the plugin
   * re-reads its data in create(); a failure keeps the old instances. */
  RISKD_SETTING_FILE = 6
} riskd_setting_type;

typedef struct riskd_setting_spec {
  const char* key;
  int32_t type; /* riskd_setting_type */
  int32_t required;
  /* Default when absent and not required; NULL for none. For string lists,
   * items separated by ','. */
  const char* default_value;
  const char* description;
} riskd_setting_spec;

/*
 * A validated setting, as the host passes it to create(). Scalars have one
 * value in canonical text: integers in decimal, doubles as printed by "%.17g",
 * bools as "true" or "false". A string list has one value per item.
 */
typedef struct riskd_setting {
  riskd_string key;
  const riskd_string* values;
  size_t value_count;
} riskd_setting;

/* What a library says about itself. Static storage; see OWNERSHIP. */
typedef struct riskd_plugin_description {
  uint32_t struct_size;
  const char* name;        /* short identifier, [a-z0-9_-]+ */
  const char* version;     /* the plugin's own version, e.g. "1.2.0" */
  const char* description; /* one sentence */
  const riskd_setting_spec* settings;
  size_t setting_count;
  /* The signal names this detector may raise, so that the host can check
   * policies that name them. */
  const char* const* signals;
  size_t signal_count;
} riskd_plugin_description;

/* Filled by the plugin when create() fails. `key` names the setting at fault
 * (empty when none), so the host can point at its line in the config file. */
typedef struct riskd_error {
  char key[128];
  char message[512];
} riskd_error;

/* Host callbacks through which evaluate() reports its result. They copy what
 * they are given and may be called any number of times during evaluate(). */
typedef struct riskd_result_sink {
  void* host_context;
  /* The detector's score in [0, 1]. The last call wins; 0 when never called. */
  void (*set_score)(void* host_context, double score);
  /* A named signal and a human-readable detail (detail may be empty). */
  void (*add_signal)(void* host_context, riskd_string name, riskd_string detail);
  /* Why evaluation failed; the result is discarded. */
  void (*set_error)(void* host_context, riskd_string message);
  /* 1.2: write a state value (ttl_ms 0: no expiry), committed with the event. */
  void (*put_state)(void* host_context, riskd_string key, riskd_string value, int64_t ttl_ms);
  /* 1.2: add to a counter atomically across replicas; ttl_ms applies when the
   * add creates it. */
  void (*add_to_counter)(void* host_context, riskd_string key, int64_t delta, int64_t ttl_ms);
  /* 1.4: like add_to_counter, but the host may sum this add with other
   * events' adds to the key and write it up to about a second later (see
   * STATE). */
  void (*add_to_shared_counter)(void* host_context, riskd_string key, int64_t delta,
                                int64_t ttl_ms);
} riskd_result_sink;

typedef struct riskd_detector riskd_detector; /* opaque, plugin-defined */

/* Required. Returns (major << 16) | minor of the ABI the plugin was built for:
 * RISKD_DETECTOR_API_VERSION. */
#define RISKD_DETECTOR_API_VERSION \
  ((uint32_t)((RISKD_DETECTOR_API_MAJOR << 16) | RISKD_DETECTOR_API_MINOR))
RISKD_EXPORT uint32_t riskd_plugin_api_version(void);

/* Required. The library's self-description; never NULL. */
RISKD_EXPORT const riskd_plugin_description* riskd_plugin_describe(void);

/* Required. Creates an instance from validated settings. Returns NULL and fills
 * *error when the settings are unusable (the host has already checked types
 * and required keys). */
RISKD_EXPORT riskd_detector* riskd_detector_create(const riskd_setting* settings,
                                                   size_t setting_count, riskd_error* error);

/* Required. Scores one event. Returns 0 on success; non-zero (with a message
 * through sink->set_error) when it could not evaluate. Called concurrently. */
RISKD_EXPORT int32_t riskd_detector_evaluate(const riskd_detector* detector,
                                             const riskd_event* event,
                                             const riskd_result_sink* sink);

/* Required. Frees an instance. */
RISKD_EXPORT void riskd_detector_destroy(riskd_detector* detector);

/* Optional (1.2). Names, through sink->want, the state keys this event
 * needs. Called concurrently, before evaluate; must not block. Returns 0. */
RISKD_EXPORT int32_t riskd_detector_state_keys(const riskd_detector* detector,
                                               const riskd_event* event,
                                               const riskd_key_sink* sink);

/* The symbol types, for hosts that resolve them at run time. */
typedef uint32_t (*riskd_plugin_api_version_fn)(void);
typedef const riskd_plugin_description* (*riskd_plugin_describe_fn)(void);
typedef riskd_detector* (*riskd_detector_create_fn)(const riskd_setting*, size_t, riskd_error*);
typedef int32_t (*riskd_detector_evaluate_fn)(const riskd_detector*, const riskd_event*,
                                              const riskd_result_sink*);
typedef void (*riskd_detector_destroy_fn)(riskd_detector*);
typedef int32_t (*riskd_detector_state_keys_fn)(const riskd_detector*, const riskd_event*,
                                                const riskd_key_sink*);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RISKD_DETECTOR_ABI_H_ */
