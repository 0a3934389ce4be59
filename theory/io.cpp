// Network JSON files and crash-safe file writing.
#include "theory/io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "theory/check.hpp"

namespace reluid::theory {

namespace {

const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) fail(where, std::string("missing field \"") + key + "\"");
  return *it;
}

arma::uword read_count(const nlohmann::json& j, const char* key, const std::string& where) {
  const auto& v = field(j, key, where);
  if (!v.is_number_integer() || v.get<long long>() < 1) {
    fail(where + "." + key, "must be a positive integer (got " + v.dump() + ")");
  }
  return static_cast<arma::uword>(v.get<long long>());
}

arma::vec read_vector(const nlohmann::json& v, arma::uword n, const std::string& where) {
  if (!v.is_array()) fail(where, "must be an array (got " + std::string(v.type_name()) + ")");
  if (v.size() != n) {
    fail(where,
         "must have " + std::to_string(n) + " entries (got " + std::to_string(v.size()) + ")");
  }
  arma::vec out(n);
  for (arma::uword i = 0; i < n; ++i) {
    const auto& x = v[i];
    if (!x.is_number()) {
      fail(where + "[" + std::to_string(i) + "]", "must be a number (got " + x.dump() + ")");
    }
    out(i) = x.get<double>();
    if (!std::isfinite(out(i))) {
      fail(where + "[" + std::to_string(i) + "]", "must be finite (got " + x.dump() + ")");
    }
  }
  return out;
}

}  // namespace

nlohmann::json network_to_json(const Network& net, const nlohmann::json& meta) {
  validate(net);
  nlohmann::json j;
  j["p"] = net.p();
  j["r"] = net.r();
  j["a"] = std::vector<int>(net.a.begin(), net.a.end());
  j["b"] = std::vector<double>(net.b.begin(), net.b.end());
  nlohmann::json W = nlohmann::json::array();
  for (arma::uword k = 0; k < net.r(); ++k) {
    W.push_back(std::vector<double>(net.W.begin_col(k), net.W.end_col(k)));
  }
  j["W"] = std::move(W);
  if (!meta.is_null()) j["meta"] = meta;
  return j;
}

Network network_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) fail(where, "must be a JSON object (got " + std::string(j.type_name()) + ")");
  for (const auto& [key, value] : j.items()) {
    if (key != "p" && key != "r" && key != "a" && key != "b" && key != "W" && key != "meta") {
      fail(where, "unknown field \"" + key + "\"");
    }
  }
  const arma::uword p = read_count(j, "p", where);
  const arma::uword r = read_count(j, "r", where);
  Network net;
  net.a = read_vector(field(j, "a", where), r, where + ".a");
  for (arma::uword k = 0; k < r; ++k) {
    require(net.a(k) == 1.0 || net.a(k) == -1.0, where + ".a[" + std::to_string(k) + "]",
            "must be +1 or -1", net.a(k));
  }
  net.b = read_vector(field(j, "b", where), r, where + ".b");
  const auto& W = field(j, "W", where);
  if (!W.is_array()) fail(where + ".W", "must be an array of r arrays");
  if (W.size() != r) {
    fail(where + ".W",
         "must have r = " + std::to_string(r) + " neurons (got " + std::to_string(W.size()) + ")");
  }
  net.W.set_size(p, r);
  for (arma::uword k = 0; k < r; ++k) {
    net.W.col(k) = read_vector(W[k], p, where + ".W[" + std::to_string(k) + "]");
  }
  validate(net, where);
  return net;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open for reading");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path.string() + ": read error");
  return ss.str();
}

Network read_network(const std::filesystem::path& path) {
  const std::string text = read_text(path);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    fail(path.string(), std::string("not valid JSON: ") + e.what());
  }
  return network_from_json(j, path.string());
}

void write_network(const std::filesystem::path& path, const Network& net,
                   const nlohmann::json& meta) {
  write_text_atomic(path, network_to_json(net, meta).dump(1) + "\n");
}

void write_text_atomic(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    throw std::runtime_error(path.string() + ": cannot write (" + std::strerror(errno) + ")");
  }
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error(path.string() + ": write failed (" + std::strerror(err) + ")");
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error(path.string() + ": flush failed (" + std::strerror(errno) + ")");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error(path.string() + ": rename failed (" + std::strerror(err) + ")");
  }
}

}  // namespace reluid::theory
