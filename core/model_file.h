#ifndef KG_CORE_MODEL_FILE_H_
#define KG_CORE_MODEL_FILE_H_

// Reading and writing the model file (models/en.kgm): a gzip-compressed,
// protobuf-serialised kg::ModelSet (proto/model.proto).

#include <google/protobuf/arena.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "proto/model.pb.h"

namespace kg::core {

// The ModelSet layout this build reads and writes. Bump when features or
// fields change meaning; older and newer files are then refused.
inline constexpr uint32_t kModelVersion = 1;

// Reads `path`; errors name the file. Refuses a ModelSet whose version is
// not kModelVersion ("... was written by an incompatible kg (model version
// N, this build reads M); retrain with kg-train").
absl::StatusOr<ModelSet> ReadModelSet(const std::string& path);

// The same into `models`, which may live on an arena: loading through
// NewModelArena() puts the ~20 MB of parsed arrays in a few huge pages
// instead of thousands of small ones (page faults dominated load time).
absl::Status ReadModelSet(const std::string& path, ModelSet& models);
std::unique_ptr<google::protobuf::Arena> NewModelArena();

// Writes `models` (version set to kModelVersion, gazetteers compiled:
// Gazetteers.compiled) to `path` atomically (temporary file, then rename).
absl::Status WriteModelSet(const std::string& path, ModelSet models);

}  // namespace kg::core

#endif  // KG_CORE_MODEL_FILE_H_
