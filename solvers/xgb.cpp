// XGBoost C API wrapper: data conversion, training of forests and boosted trees, importances.
#include "solvers/xgb.hpp"

#include <xgboost/c_api.h>

#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "theory/check.hpp"

namespace reluid::solvers {

struct XgbModel::Handle {
  BoosterHandle h;
  explicit Handle(BoosterHandle handle) : h(handle) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { XGBoosterFree(h); }
};

namespace {

/// Throws std::runtime_error with XGBoost's message unless `status` is 0.
void check(int status, const char* call) {
  if (status != 0)
    throw std::runtime_error(std::string("xgboost: ") + call + " failed: " + XGBGetLastError());
}

/// Owns a DMatrixHandle.
struct DMatrix {
  DMatrixHandle h = nullptr;
  DMatrix() = default;
  DMatrix(const DMatrix&) = delete;
  DMatrix& operator=(const DMatrix&) = delete;
  ~DMatrix() {
    if (h) XGDMatrixFree(h);
  }
};

/// X: n × p as XGBoost's row-major float matrix; NaN marks missing values (we have none).
void make_dmatrix(const arma::mat& X, DMatrix& out) {
  const arma::fmat Xt = arma::conv_to<arma::fmat>::from(X.t());  // p × n column-major = row-major X
  check(XGDMatrixCreateFromMat_omp(Xt.memptr(), X.n_rows, X.n_cols, std::nanf(""), &out.h, 1),
        "XGDMatrixCreateFromMat_omp");
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

using Params = std::vector<std::pair<std::string, std::string>>;

XgbModel train(const arma::mat& X, const arma::vec& y, const Params& params, int rounds,
               theory::Engine& rng, std::string_view where) {
  require_data(X, y, where);
  DMatrix dtrain;
  make_dmatrix(X, dtrain);
  const arma::fvec label = arma::conv_to<arma::fvec>::from(y);
  check(XGDMatrixSetFloatInfo(dtrain.h, "label", label.memptr(), label.n_elem),
        "XGDMatrixSetFloatInfo");
  BoosterHandle raw = nullptr;
  check(XGBoosterCreate(&dtrain.h, 1, &raw), "XGBoosterCreate");
  auto handle = std::make_shared<XgbModel::Handle>(raw);
  boost::random::uniform_int_distribution<int> seed_dist(0, 2147483647);
  Params all = {{"objective", "reg:squarederror"},
                {"nthread", "1"},
                {"verbosity", "0"},
                {"seed", std::to_string(seed_dist(rng))},
                {"base_score", number(arma::mean(y))}};
  all.insert(all.end(), params.begin(), params.end());
  for (const auto& [key, value] : all)
    check(XGBoosterSetParam(raw, key.c_str(), value.c_str()), "XGBoosterSetParam");
  for (int it = 0; it < rounds; ++it)
    check(XGBoosterUpdateOneIter(raw, it, dtrain.h), "XGBoosterUpdateOneIter");
  return XgbModel(std::move(handle), X.n_cols);
}

void require_fraction(double v, std::string_view where, std::string_view name) {
  theory::require(v > 0.0 && v <= 1.0, where, std::string(name) + " must be in (0, 1]", v);
}

}  // namespace

XgbModel XgbModel::load_json(const std::string& json, arma::uword p) {
  theory::require(p >= 1, "XgbModel::load_json", "p must be at least 1", p);
  BoosterHandle raw = nullptr;
  check(XGBoosterCreate(nullptr, 0, &raw), "XGBoosterCreate");
  auto handle = std::make_shared<Handle>(raw);
  check(XGBoosterLoadModelFromBuffer(raw, json.data(), json.size()),
        "XGBoosterLoadModelFromBuffer");
  check(XGBoosterSetParam(raw, "nthread", "1"), "XGBoosterSetParam");
  return XgbModel(std::move(handle), p);
}

std::string XgbModel::save_json() const {
  bst_ulong len = 0;
  const char* data = nullptr;
  check(XGBoosterSaveModelToBuffer(handle_->h, R"({"format": "json"})", &len, &data),
        "XGBoosterSaveModelToBuffer");
  return std::string(data, len);
}

arma::vec XgbModel::predict(const arma::mat& X) const {
  theory::require(X.n_cols == p_, "XgbModel::predict",
                  "X must have p = " + std::to_string(p_) + " columns", X.n_cols);
  theory::require_finite(X, "XgbModel::predict", "X");
  if (X.n_rows == 0) return {};
  DMatrix d;
  make_dmatrix(X, d);
  bst_ulong len = 0;
  const float* out = nullptr;
  check(XGBoosterPredict(handle_->h, d.h, 0, 0, 0, &len, &out), "XGBoosterPredict");
  if (len != X.n_rows)
    throw std::runtime_error("xgboost: predict returned " + std::to_string(len) + " values for " +
                             std::to_string(X.n_rows) + " rows");
  arma::vec f(X.n_rows);
  for (arma::uword i = 0; i < X.n_rows; ++i) f(i) = out[i];
  return f;
}

arma::vec XgbModel::importances() const {
  bst_ulong n_features = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  check(XGBoosterFeatureScore(handle_->h, R"({"importance_type": "total_gain"})", &n_features,
                              &names, &dim, &shape, &scores),
        "XGBoosterFeatureScore");
  arma::vec imp(p_, arma::fill::zeros);
  for (bst_ulong k = 0; k < n_features; ++k) {
    // Without feature names XGBoost reports features as "f<index>".
    const std::string name = names[k];
    if (name.size() < 2 || name[0] != 'f')
      throw std::runtime_error("xgboost: unexpected feature name \"" + name + "\"");
    const unsigned long j = std::stoul(name.substr(1));
    if (j >= p_) throw std::runtime_error("xgboost: feature index out of range (got " + name + ")");
    imp(j) = scores[k];
  }
  const double total = arma::accu(imp);
  if (total > 0.0) imp /= total;
  return imp;
}

XgbModel fit_forest(const arma::mat& X, const arma::vec& y, const ForestOptions& o,
                    theory::Engine& rng) {
  constexpr std::string_view where = "random forest";
  theory::require(o.trees >= 1, where, "trees must be at least 1", o.trees);
  require_fraction(o.subsample, where, "subsample");
  require_fraction(o.colsample_bynode, where, "colsample_bynode");
  theory::require(o.max_depth >= 0, where, "max_depth must be non-negative", o.max_depth);
  theory::require(o.min_child_weight >= 0.0, where, "min_child_weight must be non-negative",
                  o.min_child_weight);
  theory::require(o.lambda >= 0.0, where, "lambda must be non-negative", o.lambda);
  const Params params = {{"booster", "gbtree"},
                         {"tree_method", "hist"},
                         {"grow_policy", "lossguide"},
                         {"max_leaves", "0"},
                         {"num_parallel_tree", std::to_string(o.trees)},
                         {"eta", "1"},
                         {"subsample", number(o.subsample)},
                         {"colsample_bynode", number(o.colsample_bynode)},
                         {"max_depth", std::to_string(o.max_depth)},
                         {"min_child_weight", number(o.min_child_weight)},
                         {"lambda", number(o.lambda)}};
  return train(X, y, params, 1, rng, where);
}

XgbModel fit_boosting(const arma::mat& X, const arma::vec& y, const BoostingOptions& o,
                      theory::Engine& rng) {
  constexpr std::string_view where = "boosting";
  theory::require(o.rounds >= 1, where, "rounds must be at least 1", o.rounds);
  theory::require(o.eta > 0.0 && o.eta <= 1.0, where, "eta must be in (0, 1]", o.eta);
  theory::require(o.max_depth >= 1, where, "max_depth must be at least 1", o.max_depth);
  require_fraction(o.subsample, where, "subsample");
  require_fraction(o.colsample_bynode, where, "colsample_bynode");
  theory::require(o.min_child_weight >= 0.0, where, "min_child_weight must be non-negative",
                  o.min_child_weight);
  theory::require(o.lambda >= 0.0, where, "lambda must be non-negative", o.lambda);
  const Params params = {{"booster", "gbtree"},
                         {"tree_method", "hist"},
                         {"eta", number(o.eta)},
                         {"max_depth", std::to_string(o.max_depth)},
                         {"subsample", number(o.subsample)},
                         {"colsample_bynode", number(o.colsample_bynode)},
                         {"min_child_weight", number(o.min_child_weight)},
                         {"lambda", number(o.lambda)}};
  return train(X, y, params, o.rounds, rng, where);
}

std::unique_ptr<Fitted> ForestMethod::fit(const arma::mat& X, const arma::vec& y,
                                          theory::Engine& rng) const {
  return std::make_unique<XgbModel>(fit_forest(X, y, options_, rng));
}

std::unique_ptr<Fitted> BoostingMethod::fit(const arma::mat& X, const arma::vec& y,
                                            theory::Engine& rng) const {
  return std::make_unique<XgbModel>(fit_boosting(X, y, options_, rng));
}

}  // namespace reluid::solvers
