#include <gtest/gtest.h>

#include "support/test_support.h"

namespace kg {
namespace {

using testing::findings_of;

constexpr std::string_view kRule = "KG-SEC-002";

TEST(SecretInEnvVar, FlagsSecretKeyRefAndEnvFromSecretRef) {
  auto f = findings_of(kRule, R"(apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
          - name: init
            image: busybox:1.36
            envFrom:
            - configMapRef:
                name: settings
            - secretRef:
                name: bulk
          containers:
          - name: job
            image: report:1
            env:
            - name: PLAIN
              value: x
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: database
                  key: password
)");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].path, "spec.jobTemplate.spec.template.spec.initContainers[0].envFrom[1].secretRef");
  EXPECT_EQ(f[0].container, "init");
  EXPECT_NE(f[0].message.find("'bulk'"), std::string::npos);
  EXPECT_EQ(f[1].path, "spec.jobTemplate.spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef");
  EXPECT_NE(f[1].message.find("'DB_PASSWORD'"), std::string::npos);
  EXPECT_NE(f[1].message.find("'database'"), std::string::npos);
  EXPECT_EQ(f[1].severity, rules::Severity::Low);
}

TEST(SecretInEnvVar, QuietForMountedSecretsAndConfigMaps) {
  auto f = findings_of(kRule, R"(apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.25
    envFrom:
    - configMapRef:
        name: settings
    env:
    - name: MODE
      valueFrom:
        configMapKeyRef:
          name: settings
          key: mode
    volumeMounts:
    - name: creds
      mountPath: /etc/creds
      readOnly: true
  volumes:
  - name: creds
    secret:
      secretName: creds
)");
  EXPECT_TRUE(f.empty());
}

}  // namespace
}  // namespace kg
