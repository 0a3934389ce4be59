// Sweep configuration: parsing (TOML, JSON, flags), validation and the canonical JSON form.
#include "sim/config.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "theory/check.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

using nlohmann::json;
using theory::fail;

const std::vector<std::string> kGridKeys = {"n", "p",          "s",     "r",     "sigma", "mu",
                                            "B", "bias_bound", "noise", "input", "rho"};
const std::vector<std::string> kAllKeys = {"n",   "p",      "s",          "r",      "sigma",
                                           "mu",  "B",      "bias_bound", "noise",  "input",
                                           "rho", "method", "options",    "trials", "seed"};
const std::set<std::string> kNumericKeys = {"n", "p",          "s",   "r",      "sigma", "mu",
                                            "B", "bias_bound", "rho", "trials", "seed"};

bool is_grid_key(const std::string& key) {
  return std::find(kGridKeys.begin(), kGridKeys.end(), key) != kGridKeys.end();
}

/// A grid value as a non-empty list of JSON values (a scalar is a one-element list).
std::vector<json> as_list(const json& v, const std::string& key) {
  if (!v.is_array()) return {v};
  if (v.empty()) fail(key, "grid list is empty (got [])");
  return std::vector<json>(v.begin(), v.end());
}

std::uint64_t to_count(const json& v, const std::string& key, std::uint64_t min) {
  const bool ok = v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  if (!ok || v.get<std::uint64_t>() < min) {
    fail(key,
         std::string(min == 0 ? "must be a non-negative integer" : "must be a positive integer") +
             " (got " + v.dump() + ")");
  }
  return v.get<std::uint64_t>();
}

double to_real(const json& v, const std::string& key) {
  if (!v.is_number() || !std::isfinite(v.get<double>())) {
    fail(key, "must be a finite number (got " + v.dump() + ")");
  }
  return v.get<double>();
}

/// Names written into CSV cells: letters, digits, '_', '-', '.'.
std::string to_name(const json& v, const std::string& key) {
  if (!v.is_string()) fail(key, "must be a string (got " + v.dump() + ")");
  const auto s = v.get<std::string>();
  const bool ok = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  if (!ok)
    fail(key, "must be a non-empty name of letters, digits, '_', '-', '.' (got " + v.dump() + ")");
  return s;
}

template <class T, class Convert>
std::vector<T> grid_axis(const json& j, const std::string& key, const std::vector<T>& fallback,
                         Convert convert) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (fallback.empty()) {
      fail("config",
           "missing required key \"" + key + "\" (give it in the file or as --" + key + ")");
    }
    return fallback;
  }
  std::vector<T> out;
  for (const json& v : as_list(*it, key)) {
    T x = convert(v);
    if (std::find(out.begin(), out.end(), x) != out.end()) {
      fail(key, "duplicate grid value (got " + v.dump() + ")");
    }
    out.push_back(std::move(x));
  }
  return out;
}

json toml_to_json(const toml::node& node, const std::string& where) {
  if (const auto* t = node.as_table()) {
    json out = json::object();
    for (const auto& [k, v] : *t) out[std::string(k.str())] = toml_to_json(v, where);
    return out;
  }
  if (const auto* a = node.as_array()) {
    json out = json::array();
    for (const auto& v : *a) out.push_back(toml_to_json(v, where));
    return out;
  }
  if (const auto* i = node.as_integer()) return json(i->get());
  if (const auto* f = node.as_floating_point()) return json(f->get());
  if (const auto* b = node.as_boolean()) return json(b->get());
  if (const auto* s = node.as_string()) return json(s->get());
  fail(where, "dates and times are not supported in a sweep config (at line " +
                  std::to_string(node.source().begin.line) + ")");
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

/// A token typed on the command line: a JSON number or literal when it parses as one, else text.
json flag_token(const std::string& token, bool numeric) {
  if (numeric) {
    const json v = json::parse(token, nullptr, /*allow_exceptions=*/false);
    if (v.is_number()) return v;
  }
  return json(token);
}

}  // namespace

const std::vector<std::string>& config_keys() {
  return kAllKeys;
}

SweepConfig config_from_json(const json& j) {
  if (!j.is_object()) fail("config", "must be a table/object (got " + j.dump() + ")");
  for (const auto& [key, value] : j.items()) {
    if (std::find(kAllKeys.begin(), kAllKeys.end(), key) == kAllKeys.end()) {
      fail("config", "unknown key (got \"" + key + "\")");
    }
    if (!is_grid_key(key) && value.is_array()) {
      fail(key, "takes a single value, not a list (got " + value.dump() + ")");
    }
  }
  SweepConfig c;
  const auto count = [](const std::string& key) {
    return [key](const json& v) { return to_count(v, key, 1); };
  };
  c.grid.n = grid_axis<std::uint64_t>(j, "n", {}, count("n"));
  c.grid.p = grid_axis<std::uint64_t>(j, "p", {}, count("p"));
  c.grid.s = grid_axis<std::uint64_t>(j, "s", {}, count("s"));
  c.grid.r = grid_axis<std::uint64_t>(j, "r", {}, count("r"));
  c.grid.sigma = grid_axis<double>(j, "sigma", c.grid.sigma, [](const json& v) {
    const double x = to_real(v, "sigma");
    theory::require(x >= 0.0, "sigma", "must be >= 0", x);
    return x;
  });
  c.grid.mu = grid_axis<double>(j, "mu", c.grid.mu, [](const json& v) {
    const double x = to_real(v, "mu");
    theory::require(x > 0.0 && x <= 1.0, "mu", "must be in (0, 1]", x);
    return x;
  });
  c.grid.B = grid_axis<double>(j, "B", c.grid.B, [](const json& v) {
    const double x = to_real(v, "B");
    theory::require(x >= 1.0, "B", "must be >= 1 (Assumption 1: 1 <= |w_j| <= B)", x);
    return x;
  });
  c.grid.bias_bound = grid_axis<double>(j, "bias_bound", c.grid.bias_bound, [](const json& v) {
    const double x = to_real(v, "bias_bound");
    theory::require(x >= 0.0, "bias_bound", "must be >= 0", x);
    return x;
  });
  c.grid.noise = grid_axis<std::string>(j, "noise", c.grid.noise, [](const json& v) {
    const auto s = to_name(v, "noise");
    if (s != "bounded" && s != "gaussian")
      fail("noise", "must be \"bounded\" or \"gaussian\" (got " + v.dump() + ")");
    return s;
  });
  c.grid.input = grid_axis<std::string>(j, "input", c.grid.input, [](const json& v) {
    const auto s = to_name(v, "input");
    if (s != "gaussian" && s != "toeplitz")
      fail("input", "must be \"gaussian\" or \"toeplitz\" (got " + v.dump() + ")");
    return s;
  });
  c.grid.rho = grid_axis<double>(j, "rho", c.grid.rho, [](const json& v) {
    const double x = to_real(v, "rho");
    theory::require(x > -1.0 && x < 1.0, "rho", "must be in (-1, 1)", x);
    return x;
  });
  if (auto it = j.find("method"); it != j.end()) c.method = to_name(*it, "method");
  if (auto it = j.find("options"); it != j.end()) {
    if (!it->is_object()) fail("options", "must be a table/object (got " + it->dump() + ")");
    c.options = *it;
  }
  if (auto it = j.find("trials"); it != j.end()) c.trials = to_count(*it, "trials", 1);
  if (auto it = j.find("seed"); it != j.end()) c.seed = to_count(*it, "seed", 0);
  return c;
}

json config_to_json(const SweepConfig& c) {
  json j = json::object();
  j["n"] = c.grid.n;
  j["p"] = c.grid.p;
  j["s"] = c.grid.s;
  j["r"] = c.grid.r;
  j["sigma"] = c.grid.sigma;
  j["mu"] = c.grid.mu;
  j["B"] = c.grid.B;
  j["bias_bound"] = c.grid.bias_bound;
  j["noise"] = c.grid.noise;
  j["input"] = c.grid.input;
  j["rho"] = c.grid.rho;
  j["method"] = c.method;
  j["options"] = c.options;
  j["trials"] = c.trials;
  j["seed"] = c.seed;
  return j;
}

json read_config_file(const std::filesystem::path& path) {
  const std::string where = path.string();
  const std::string ext = path.extension().string();
  if (ext != ".toml" && ext != ".json") {
    fail(where, "config file must end in .toml or .json (got \"" + ext + "\")");
  }
  if (!std::filesystem::is_regular_file(path)) fail(where, "config file does not exist");
  const std::string text = theory::read_text(path);
  if (ext == ".json") {
    try {
      return json::parse(text);
    } catch (const json::exception& e) {
      fail(where, std::string("not valid JSON: ") + e.what());
    }
  }
  try {
    return toml_to_json(toml::parse(text, where), where);
  } catch (const toml::parse_error& e) {
    fail(where + ":" + std::to_string(e.source().begin.line),
         "not valid TOML: " + std::string(e.description()));
  }
}

json overrides_from_flags(const std::map<std::string, std::string>& flags) {
  json out = json::object();
  for (const auto& [key, text] : flags) {
    if (std::find(kAllKeys.begin(), kAllKeys.end(), key) == kAllKeys.end()) {
      fail("config", "unknown key (got \"" + key + "\")");
    }
    const bool numeric = kNumericKeys.count(key) > 0;
    if (key == "options") {
      const std::string t = trim(text);
      if (!t.empty() && t.front() == '{') {
        const json v = json::parse(t, nullptr, /*allow_exceptions=*/false);
        if (!v.is_object())
          fail("options", "must be a JSON object or name=value list (got " + text + ")");
        out["options"] = v;
        continue;
      }
      json opts = json::object();
      for (const std::string& item : split(t, ',')) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || trim(item.substr(0, eq)).empty()) {
          fail("options", "must be a JSON object or name=value list (got " + text + ")");
        }
        const std::string value = trim(item.substr(eq + 1));
        const json parsed = json::parse(value, nullptr, /*allow_exceptions=*/false);
        opts[trim(item.substr(0, eq))] = parsed.is_discarded() ? json(value) : parsed;
      }
      out["options"] = opts;
    } else if (is_grid_key(key)) {
      json list = json::array();
      for (const std::string& token : split(text, ','))
        list.push_back(flag_token(trim(token), numeric));
      out[key] = list;
    } else {
      out[key] = flag_token(trim(text), numeric);
    }
  }
  return out;
}

}  // namespace reluid::sim
