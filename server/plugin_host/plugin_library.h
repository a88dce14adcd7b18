// A loaded detector plugin library: the version handshake, the resolved ABI
// symbols and the plugin's self-description.
#ifndef RISKD_SERVER_PLUGIN_HOST_PLUGIN_LIBRARY_H_
#define RISKD_SERVER_PLUGIN_HOST_PLUGIN_LIBRARY_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "riskd/detector_abi.h"

namespace riskd {

struct PluginSettingSpec {
  std::string key;
  riskd_setting_type type;
  bool required = false;
  std::optional<std::string> default_value;
  std::string description;
};

// A host-side copy of riskd_plugin_description.
struct PluginDescription {
  std::string name;
  std::string version;
  std::string description;
  std::vector<PluginSettingSpec> settings;
  std::vector<std::string> signals;
};

class PluginLibrary {
 public:
  // Loads `path`, checks the ABI version and resolves every required symbol.
  // Errors read "<path>: <reason>".
  static absl::StatusOr<std::shared_ptr<PluginLibrary>> Load(const std::string& path);
  ~PluginLibrary();

  const std::string& path() const { return path_; }
  const PluginDescription& description() const { return description_; }

  riskd_detector_create_fn create() const { return create_; }
  riskd_detector_evaluate_fn evaluate() const { return evaluate_; }
  riskd_detector_destroy_fn destroy() const { return destroy_; }
  // Optional (ABI 1.2); null when the plugin uses no state.
  riskd_detector_state_keys_fn state_keys() const { return state_keys_; }

 private:
  friend class PluginLibraryCache;  // names a private copy after its source
  struct Handle;                    // hides boost::dll from the rest of the host
  PluginLibrary() = default;

  std::string path_;
  std::unique_ptr<Handle> handle_;
  PluginDescription description_;
  riskd_detector_create_fn create_ = nullptr;
  riskd_detector_evaluate_fn evaluate_ = nullptr;
  riskd_detector_destroy_fn destroy_ = nullptr;
  riskd_detector_state_keys_fn state_keys_ = nullptr;
};

// Shares one loaded copy of each plugin file between detectors and config
// reloads. When the file on disk changed since it was loaded (a rebuilt
// plugin) and the old copy is still in use, the new file is loaded from a
// private copy so that both versions live side by side until the old
// detectors are gone: dlopen would otherwise hand back the old library.
class PluginLibraryCache {
 public:
  explicit PluginLibraryCache(std::string scratch_dir) : scratch_dir_(std::move(scratch_dir)) {}
  absl::StatusOr<std::shared_ptr<PluginLibrary>> Get(const std::string& path);

 private:
  struct Entry {
    std::string stamp;  // inode, size and mtime of the file when loaded
    std::weak_ptr<PluginLibrary> library;
  };
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  std::string scratch_dir_;
  int copies_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace riskd

#endif  // RISKD_SERVER_PLUGIN_HOST_PLUGIN_LIBRARY_H_
