#include "server/plugin_host/plugin_library.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "boost/dll/shared_library.hpp"
#include "server/common/file_stamp.h"

namespace riskd {

struct PluginLibrary::Handle {
  boost::dll::shared_library library;
};

namespace {

// Boost.DLL folds dlerror()'s text into its exception message; keep only that.
std::string DlopenReason(const std::string& what) {
  const std::string kMarker = "dlerror system message: ";
  size_t start = what.find(kMarker);
  if (start == std::string::npos) return what;
  start += kMarker.size();
  size_t end = what.rfind("): ");
  return what.substr(start,
                     end == std::string::npos || end < start ? std::string::npos : end - start);
}

absl::Status LoadError(const std::string& path, absl::string_view reason) {
  return absl::FailedPreconditionError(absl::StrCat(path, ": ", reason));
}

std::string Text(const char* s) { return s ? s : ""; }

}  // namespace

PluginLibrary::~PluginLibrary() = default;

absl::StatusOr<std::shared_ptr<PluginLibrary>> PluginLibrary::Load(const std::string& path) {
  std::error_code exists_error;
  if (!std::filesystem::exists(path, exists_error)) {
    return LoadError(path, "no such file (build the plugin, or fix the path)");
  }
  std::shared_ptr<PluginLibrary> plugin(new PluginLibrary());
  plugin->path_ = path;
  plugin->handle_ = std::make_unique<Handle>();
  boost::dll::shared_library& lib = plugin->handle_->library;
  try {
    // rtld_local: each plugin's symbols stay its own. rtld_now: an unresolved
    // symbol fails here, at load, not in the middle of a request.
    lib.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    return LoadError(path, absl::StrCat("cannot load: ", DlopenReason(e.what())));
  }

  // The handshake comes first: nothing else is trusted before it passes.
  constexpr const char* kVersionSymbol = "riskd_plugin_api_version";
  if (!lib.has(kVersionSymbol)) {
    return LoadError(path, absl::StrCat("missing required symbol ", kVersionSymbol,
                                        " (is this a riskd detector plugin?)"));
  }
  uint32_t version = lib.get<uint32_t()>(kVersionSymbol)();
  uint32_t major = version >> 16, minor = version & 0xffff;
  if (major != RISKD_DETECTOR_API_MAJOR) {
    return LoadError(
        path, absl::StrFormat("built for detector API %d.%d, but this riskd speaks "
                              "%d.%d (the major version must match)",
                              major, minor, RISKD_DETECTOR_API_MAJOR, RISKD_DETECTOR_API_MINOR));
  }
  if (minor > RISKD_DETECTOR_API_MINOR) {
    return LoadError(
        path, absl::StrFormat("built for detector API %d.%d, newer than this "
                              "riskd's %d.%d (upgrade riskd or rebuild the plugin)",
                              major, minor, RISKD_DETECTOR_API_MAJOR, RISKD_DETECTOR_API_MINOR));
  }

  // Every required symbol, resolved through one table.
  riskd_plugin_describe_fn describe = nullptr;
  struct Symbol {
    const char* name;
    void** slot;
  };
  const Symbol required[] = {
      {"riskd_plugin_describe", reinterpret_cast<void**>(&describe)},
      {"riskd_detector_create", reinterpret_cast<void**>(&plugin->create_)},
      {"riskd_detector_evaluate", reinterpret_cast<void**>(&plugin->evaluate_)},
      {"riskd_detector_destroy", reinterpret_cast<void**>(&plugin->destroy_)},
  };
  for (const Symbol& symbol : required) {
    if (!lib.has(symbol.name)) {
      return LoadError(path, absl::StrCat("missing required symbol ", symbol.name));
    }
    *symbol.slot = reinterpret_cast<void*>(&lib.get<void()>(symbol.name));
  }

  // Optional symbols declare capabilities.
  if (lib.has("riskd_detector_state_keys")) {
    plugin->state_keys_ =
        &lib.get<int32_t(const riskd_detector*, const riskd_event*, const riskd_key_sink*)>(
            "riskd_detector_state_keys");
  }

  const riskd_plugin_description* raw = describe();
  if (raw == nullptr || raw->struct_size < sizeof(riskd_plugin_description)) {
    return LoadError(path, "riskd_plugin_describe returned no valid description");
  }
  if (raw->name == nullptr || raw->name[0] == '\0') {
    return LoadError(path, "the plugin describes itself without a name");
  }
  // Names appear in responses, logs and metrics: keep them to [a-z0-9_-]+.
  for (const char* c = raw->name; *c; ++c) {
    if (!absl::ascii_islower(*c) && !absl::ascii_isdigit(*c) && *c != '_' && *c != '-') {
      return LoadError(path,
                       absl::StrCat("plugin name \"", raw->name, "\" must match [a-z0-9_-]+"));
    }
  }
  PluginDescription& d = plugin->description_;
  d.name = raw->name;
  d.version = Text(raw->version);
  d.description = Text(raw->description);
  for (size_t i = 0; i < raw->setting_count; ++i) {
    const riskd_setting_spec& s = raw->settings[i];
    if (s.key == nullptr || s.type < RISKD_SETTING_STRING || s.type > RISKD_SETTING_FILE) {
      return LoadError(path, absl::StrCat("setting #", i, " of the schema is invalid"));
    }
    d.settings.push_back(
        {s.key, static_cast<riskd_setting_type>(s.type), s.required != 0,
         s.default_value ? std::optional<std::string>(s.default_value) : std::nullopt,
         Text(s.description)});
  }
  for (size_t i = 0; i < raw->signal_count; ++i) {
    d.signals.push_back(Text(raw->signals[i]));
  }
  return plugin;
}

absl::StatusOr<std::shared_ptr<PluginLibrary>> PluginLibraryCache::Get(const std::string& path) {
  absl::MutexLock lock(&mu_);
  std::string stamp = FileStamp(path);
  Entry& entry = entries_[path];
  std::shared_ptr<PluginLibrary> live = entry.library.lock();
  if (live && entry.stamp == stamp) return live;

  std::string load_path = path;
  if (live && !stamp.empty()) {
    // The file changed while the old version is loaded: load a private copy.
    std::error_code ec;
    std::filesystem::create_directories(scratch_dir_, ec);
    load_path = absl::StrCat(scratch_dir_, "/", ::getpid(), "-", ++copies_, "-",
                             std::filesystem::path(path).filename().string());
    std::filesystem::copy_file(path, load_path, std::filesystem::copy_options::overwrite_existing,
                               ec);
    if (ec) return LoadError(path, absl::StrCat("cannot copy for reload: ", ec.message()));
  }
  absl::StatusOr<std::shared_ptr<PluginLibrary>> loaded = PluginLibrary::Load(load_path);
  if (load_path != path) {
    std::error_code ignored;
    std::filesystem::remove(load_path, ignored);  // the mapping stays valid
    if (!loaded.ok()) {
      return LoadError(path, absl::StrCat(loaded.status().message().substr(load_path.size() + 2)));
    }
    (*loaded)->path_ = path;
  }
  if (!loaded.ok()) return loaded.status();
  entry = {stamp, *loaded};
  return loaded;
}

}  // namespace riskd
