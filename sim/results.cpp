// trials.csv row store: formatting, crash-safe appending, reading back, DIR identity.
#include "sim/results.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "theory/check.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ',';
    out += parts[i];
  }
  return out;
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

[[noreturn]] void corrupt(const fs::path& file, std::size_t line, const std::string& what) {
  throw std::runtime_error(file.string() + ":" + std::to_string(line) + ": " + what +
                           " (not written by this sweep; refusing to resume)");
}

/// The first key whose values differ between two JSON objects, for error messages.
std::string first_difference(const nlohmann::json& a, const nlohmann::json& b,
                             const std::string& prefix = "") {
  if (a.is_object() && b.is_object()) {
    for (const auto& [k, v] : a.items()) {
      if (!b.contains(k)) return prefix + k;
      if (v != b.at(k)) return first_difference(v, b.at(k), prefix + k + ".");
    }
    for (const auto& [k, v] : b.items()) {
      if (!a.contains(k)) return prefix + k;
    }
  }
  return prefix.empty() ? std::string("config") : prefix.substr(0, prefix.size() - 1);
}

}  // namespace

const std::vector<std::string>& cell_columns() {
  static const std::vector<std::string> columns = {
      "n", "p", "s", "r", "sigma", "mu", "B", "bias_bound", "noise", "input", "rho", "method"};
  return columns;
}

const std::vector<std::string>& parameter_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c = {"cell", "trial", "seed"};
    c.insert(c.end(), cell_columns().begin(), cell_columns().end());
    return c;
  }();
  return columns;
}

std::string format_number(double x) {
  char buf[64];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, x);
  if (ec != std::errc()) throw std::runtime_error("format_number: to_chars failed");
  return std::string(buf, ptr);
}

std::string cell_fields(const Cell& c) {
  return join({std::to_string(c.n), std::to_string(c.p), std::to_string(c.s), std::to_string(c.r),
               format_number(c.sigma), format_number(c.mu), format_number(c.B),
               format_number(c.bias_bound), c.noise, c.input, format_number(c.rho), c.method});
}

std::string parameter_fields(const Cell& cell, std::uint64_t trial, std::uint64_t seed) {
  return std::to_string(cell.id) + "," + std::to_string(trial) + "," + std::to_string(seed) + "," +
         cell_fields(cell);
}

std::vector<std::string> split_fields(std::string_view line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = line.find(',', start);
    out.emplace_back(line.substr(start, end == std::string_view::npos ? line.npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

std::string trials_text(const TrialRows& rows) {
  std::string text = join(rows.header) + "\n";
  for (const auto& [key, line] : rows.lines) text += line + "\n";
  return text;
}

LoadedTrials read_trials(const fs::path& file, const std::vector<Cell>& cells, std::uint64_t seed,
                         const Shard& shard) {
  const std::string text = theory::read_text(file);
  LoadedTrials out;
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    ++line_no;
    if (end == std::string::npos) {  // torn last write: discard
      out.torn = true;
      break;
    }
    const std::string_view line(text.data() + pos, end - pos);
    if (line_no == 1) {
      out.rows.header = split_fields(line);
    } else {
      const auto fields = split_fields(line);
      if (fields.size() != out.rows.header.size()) {
        corrupt(file, line_no,
                "expected " + std::to_string(out.rows.header.size()) + " fields, found " +
                    std::to_string(fields.size()));
      }
      std::uint64_t cell = 0, trial = 0;
      if (!parse_u64(fields[0], cell) || !parse_u64(fields[1], trial) || cell >= cells.size() ||
          trial >= cells[cell].trials) {
        corrupt(file, line_no, "cell/trial out of range");
      }
      if (!shard.contains(cell * cells[cell].trials + trial)) {
        corrupt(file, line_no, "trial belongs to another shard than " + shard.text());
      }
      const std::string params = parameter_fields(cells[cell], trial, seed);
      if (line.substr(0, params.size()) != params || line.size() <= params.size() ||
          line[params.size()] != ',') {
        corrupt(file, line_no, "parameters differ from cell " + std::to_string(cell));
      }
      if (!out.rows.lines.emplace(RowKey{cell, trial}, std::string(line)).second) {
        corrupt(
            file, line_no,
            "duplicate row for cell " + std::to_string(cell) + ", trial " + std::to_string(trial));
      }
    }
    pos = end + 1;
    out.intact_bytes = pos;
  }
  if (out.rows.header.empty()) {
    throw std::runtime_error(file.string() + ": no header line (not written by this sweep)");
  }
  return out;
}

RowAppender::RowAppender(const fs::path& file, std::chrono::milliseconds sync_every)
    : file_(file), sync_every_(sync_every), last_sync_(std::chrono::steady_clock::now()) {
  fd_ = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) {
    throw std::runtime_error(file.string() + ": cannot open for appending (" +
                             std::strerror(errno) + ")");
  }
}

RowAppender::~RowAppender() {
  ::fdatasync(fd_);
  ::close(fd_);
}

void RowAppender::append(const std::string& line) {
  const std::string row = line + "\n";
  std::lock_guard lock(mutex_);
  const ssize_t n = ::write(fd_, row.data(), row.size());
  if (n != static_cast<ssize_t>(row.size())) {
    // A short write leaves a torn line, which a resume discards; report it rather than go on.
    throw std::runtime_error(file_.string() + ": append failed (" +
                             (n < 0 ? std::string(std::strerror(errno)) : "short write") + ")");
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_sync_ >= sync_every_) {
    ::fdatasync(fd_);
    last_sync_ = now;
  }
}

void RowAppender::sync() {
  std::lock_guard lock(mutex_);
  if (::fdatasync(fd_) != 0) {
    throw std::runtime_error(file_.string() + ": fdatasync failed (" + std::strerror(errno) + ")");
  }
  last_sync_ = std::chrono::steady_clock::now();
}

nlohmann::json dir_identity(const SweepConfig& config, const Shard& shard) {
  return {{"config", config_to_json(config)}, {"shard", shard.text()}};
}

DirState inspect_dir(const fs::path& dir, const nlohmann::json& identity) {
  const std::string got = " (got " + dir.string() + ")";
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::path parent = fs::absolute(dir).parent_path();
    while (!fs::exists(parent, ec)) parent = parent.parent_path();
    if (!fs::is_directory(parent, ec)) {
      theory::fail("out", "cannot be created: " + parent.string() + " is not a directory" + got);
    }
    if (::access(parent.c_str(), W_OK | X_OK) != 0) {
      theory::fail("out", "cannot be created: " + parent.string() + " is not writable" + got);
    }
    return DirState::absent;
  }
  if (!fs::is_directory(dir, ec)) theory::fail("out", "exists and is not a directory" + got);
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    theory::fail("out", "directory is not writable" + got);
  if (fs::is_empty(dir, ec)) return DirState::empty;
  if (!fs::exists(dir / kConfigFile)) {
    theory::fail("out",
                 "directory holds other files and no reluid config.json; refusing to mix" + got);
  }
  nlohmann::json disk;
  try {
    disk = read_identity(dir);
  } catch (const std::runtime_error& e) {
    theory::fail("out", std::string("unreadable sweep directory: ") + e.what() + got);
  }
  if (disk != identity) {
    theory::fail("out", "directory holds a different sweep (" + first_difference(disk, identity) +
                            " differs); use another --out" + got);
  }
  return DirState::same;
}

DirLock::DirLock(const fs::path& dir) {
  const fs::path file = dir / kConfigFile;
  fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open " + file.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd_);
    fd_ = -1;
    if (err == EWOULDBLOCK) {
      theory::fail("out",
                   "is in use by another reluid process writing this sweep; wait for it or "
                   "stop it (got " +
                       dir.string() + ")");
    }
    throw std::runtime_error("cannot lock " + file.string() + ": " + std::strerror(err));
  }
}

DirLock::~DirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the lock
}

void init_dir(const fs::path& dir, const nlohmann::json& identity) {
  fs::create_directories(dir);
  theory::write_text_atomic(dir / kConfigFile, identity.dump(1) + "\n");
}

nlohmann::json read_identity(const fs::path& dir) {
  const fs::path file = dir / kConfigFile;
  try {
    return nlohmann::json::parse(theory::read_text(file));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(file.string() + ": not valid JSON (" + e.what() + ")");
  }
}

}  // namespace reluid::sim
