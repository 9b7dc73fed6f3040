#include "core/model_file.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/gzip_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kg::core {

absl::StatusOr<ModelSet> ReadModelSet(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open model file: ", std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string bytes = std::move(buffer).str();
  ModelSet models;
  bool ok;
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
      static_cast<unsigned char>(bytes[1]) == 0x8b) {
    google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
    google::protobuf::io::GzipInputStream gz(&raw, google::protobuf::io::GzipInputStream::GZIP);
    google::protobuf::io::CodedInputStream coded(&gz);
    coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
    ok = models.ParseFromCodedStream(&coded) && coded.ConsumedEntireMessage();
  } else {
    ok = models.ParseFromString(bytes);
  }
  if (!ok) {
    return absl::DataLossError(
        absl::StrCat(path, ": not a kg model file (corrupt or truncated protobuf)"));
  }
  if (models.version() != kModelVersion) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s: model was written by an incompatible kg (model version %u, this build reads %u); "
        "retrain it with kg-train",
        path, models.version(), kModelVersion));
  }
  return models;
}

absl::Status WriteModelSet(const std::string& path, ModelSet models) {
  models.set_version(kModelVersion);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return absl::PermissionDeniedError(
          absl::StrCat(tmp, ": cannot write model file: ", std::strerror(errno)));
    }
    google::protobuf::io::OstreamOutputStream raw(&out);
    google::protobuf::io::GzipOutputStream::Options options;
    options.format = google::protobuf::io::GzipOutputStream::GZIP;
    options.compression_level = 9;
    google::protobuf::io::GzipOutputStream gz(&raw, options);
    if (!models.SerializeToZeroCopyStream(&gz) || !gz.Close()) {
      return absl::InternalError(absl::StrCat(tmp, ": cannot serialise the model"));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::InternalError(
        absl::StrCat(path, ": cannot rename the model into place: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace kg::core
