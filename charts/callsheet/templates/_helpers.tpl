{{/* The release's base name, at most 40 characters so every suffix still fits a DNS label. */}}
{{- define "callsheet.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "callsheet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The five services, in the order the README names them. */}}
{{- define "callsheet.services" -}}
orders cards payments support notify
{{- end -}}

{{/*
Whom each process calls over gRPC: the gateway calls every service; a service's adapters call
the peers listed here (services/<name>/adapters/*.py). NetworkPolicies admit exactly these calls.
*/}}
{{- define "callsheet.callees" -}}
gateway: [orders, cards, payments, support, notify]
orders: [payments]
cards: [orders, payments]
payments: [orders]
support: [orders, cards, payments]
notify: [orders]
{{- end -}}

{{/* Each service's schemas: the first is its own, owned by its role. */}}
{{- define "callsheet.schemas" -}}
orders: [ord]
cards: [cards]
payments: [pay, acc]
support: [sup]
notify: [ntf]
{{- end -}}

{{/*
The processes that keep files (receipts' PDFs, media, deliverables, evidence), and those of them
that reach S3 when the files are in a bucket (the gateway then serves none: S3 does).
*/}}
{{- define "callsheet.fileUsers" -}}
gateway payments cards support
{{- end -}}

{{- define "callsheet.s3Users" -}}
payments cards support
{{- end -}}

{{/* NetworkPolicy egress rules, each {to, ports}; a rule without peers admits any address. */}}
{{- define "callsheet.egressRules" -}}
{{- range $rule := . }}
{{- $clean := dict }}
{{- with $rule.ports }}
{{- $_ := set $clean "ports" . }}
{{- end }}
{{- with $rule.to }}
{{- $_ := set $clean "to" . }}
{{- end }}
{{ toYaml (list $clean) }}
{{- end }}
{{- end -}}

{{/* The callers of service .service, as a list. */}}
{{- define "callsheet.callers" -}}
{{- $callees := include "callsheet.callees" .root | fromYaml -}}
{{- $callers := list -}}
{{- range $caller := list "gateway" "orders" "cards" "payments" "support" "notify" -}}
{{- if has $.service (get $callees $caller) -}}
{{- $callers = append $callers $caller -}}
{{- end -}}
{{- end -}}
{{- toYaml $callers -}}
{{- end -}}

{{- define "callsheet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object; .component names the part. */}}
{{- define "callsheet.labels" -}}
helm.sh/chart: {{ include "callsheet.chart" .root }}
{{ include "callsheet.selectorLabels" . }}
app.kubernetes.io/part-of: callsheet
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end -}}

{{- define "callsheet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "callsheet.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The image of every Callsheet process. */}}
{{- define "callsheet.image" -}}
{{- $image := .Values.image -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (default .Chart.AppVersion $image.tag) -}}
{{- end -}}
{{- end -}}

{{/* The gRPC target of a service: its headless Service, every replica round robin. */}}
{{- define "callsheet.serviceAddr" -}}
{{- printf "dns:///%s-%s.%s.svc.%s:50051" (include "callsheet.fullname" .root) .service .root.Release.Namespace .root.Values.clusterDomain -}}
{{- end -}}

{{- define "callsheet.collectorName" -}}
{{- printf "%s-otel-collector" (include "callsheet.fullname" .) -}}
{{- end -}}

{{- define "callsheet.jaegerName" -}}
{{- printf "%s-jaeger" (include "callsheet.fullname" .) -}}
{{- end -}}

{{- define "callsheet.postgresName" -}}
{{- printf "%s-postgresql" (include "callsheet.fullname" .) -}}
{{- end -}}

{{/* Where a service's settings say the files are. */}}
{{- define "callsheet.filesRequired" -}}
{{- if not (or .Values.files.bucket .Values.files.existingClaim) -}}
{{- fail "files.bucket or files.existingClaim is required: the gateway, payments, cards and support share the files" -}}
{{- end -}}
{{- end -}}

{{/*
The settings of one process, as a flat map of environment variables (no secrets): the ConfigMap
of a Deployment and the env of its migration Job are both made from it.
*/}}
{{- define "callsheet.settings" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $c := .component -}}
{{- $isService := ne $c "gateway" -}}
{{- $tracing := $v.observability.collector.enabled -}}
CALLSHEET_ENV: production
CALLSHEET_LOG_LEVEL: {{ $v.config.logLevel | quote }}
CALLSHEET_EVENT_PREFIX: {{ $v.config.eventPrefix | quote }}
CALLSHEET_RPC_TIMEOUT_SECONDS: {{ $v.config.rpcTimeoutSeconds | toString | quote }}
CALLSHEET_METRICS_PORT: {{ $v.metrics.port | toString | quote }}
CALLSHEET_TRACES_EXPORTER: {{ ternary "otlp" "none" $tracing | quote }}
{{- if $tracing }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ printf "http://%s:4317" (include "callsheet.collectorName" $root) | quote }}
{{- end }}
{{- range $service := splitList " " (include "callsheet.services" $root) }}
CALLSHEET_{{ upper $service }}_ADDR: {{ include "callsheet.serviceAddr" (dict "root" $root "service" $service) | quote }}
{{- end }}
CALLSHEET_FILES_BASE_URL: {{ required "config.publicUrl is required: the gateway as clients reach it" $v.config.publicUrl | quote }}
CALLSHEET_DOWNLOAD_LINK_SECONDS: {{ $v.config.downloadLinkSeconds | toString | quote }}
{{- if $v.files.bucket }}
CALLSHEET_FILES_BUCKET: {{ $v.files.bucket | quote }}
{{- with $v.files.s3EndpointUrl }}
CALLSHEET_S3_ENDPOINT_URL: {{ . | quote }}
{{- end }}
{{- with $v.files.s3Region }}
CALLSHEET_S3_REGION: {{ . | quote }}
{{- end }}
{{- else }}
CALLSHEET_FILES_DIR: {{ $v.files.mountPath | quote }}
{{- end }}
HOME: /tmp
{{- if $isService }}
CALLSHEET_GRPC_LISTEN: "0.0.0.0:50051"
{{- if not $v.nats.existingSecret }}
NATS_URL: {{ required "nats.url is required" $v.nats.url | quote }}
{{- end }}
{{- if $v.postgresql.cloudnativepg.enabled }}
CALLSHEET_DATABASE_HOST: {{ printf "%s-rw.%s.svc.%s" (include "callsheet.postgresName" $root) $root.Release.Namespace $v.clusterDomain | quote }}
{{- end }}
{{- else }}
GATEWAY_HOST: "0.0.0.0"
GATEWAY_PORT: "8080"
{{- end }}
{{- if eq $c "notify" }}
SMTP_HOST: {{ required "notify.smtp.host is required: notify sends mail through it" $v.notify.smtp.host | quote }}
SMTP_PORT: {{ $v.notify.smtp.port | toString | quote }}
CALLSHEET_MAIL_FROM: {{ $v.notify.mailFrom | quote }}
CALLSHEET_APP_URL: {{ required "notify.appUrl is required: messages link to the web app" $v.notify.appUrl | quote }}
CALLSHEET_USER_DIRECTORY_URL: {{ required "notify.userDirectoryUrl is required: notify asks it for users' names and addresses" $v.notify.userDirectoryUrl | quote }}
{{- with $v.notify.fcmEndpoint }}
CALLSHEET_FCM_ENDPOINT: {{ . | quote }}
{{- end }}
{{- if $v.secrets.fcm.existingSecret }}
CALLSHEET_FCM_CREDENTIALS_FILE: {{ printf "/var/run/secrets/callsheet/fcm/%s" $v.secrets.fcm.key | quote }}
{{- end }}
{{- end }}
{{- range $v.config.extraEnv }}
{{ .name }}: {{ .value | quote }}
{{- end }}
{{- range (ternary $v.gateway (get $v.services $c) (not $isService)).env }}
{{ .name }}: {{ .value | quote }}
{{- end }}
{{- end -}}

{{/* The env entries read from Secrets by one process. */}}
{{- define "callsheet.secretEnv" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $c := .component -}}
{{- $s := $v.secrets -}}
- name: CALLSHEET_SERVICE_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $s.serviceKeys.existingSecret }}
      key: {{ printf "%s.key" $c }}
{{- if ne $c "gateway" }}
- name: CALLSHEET_SERVICE_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $s.serviceKeys.existingSecret }}
      key: {{ $s.serviceKeys.keyringKey }}
{{- $db := (get $v.services $c).database }}
{{- if $v.postgresql.cloudnativepg.enabled }}
- name: CALLSHEET_DATABASE_USER
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.usernameKey }}
- name: CALLSHEET_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.passwordKey }}
- name: CALLSHEET_DATABASE_URL
  value: {{ printf "postgresql://$(CALLSHEET_DATABASE_USER):$(CALLSHEET_DATABASE_PASSWORD)@$(CALLSHEET_DATABASE_HOST):%d/%s?sslmode=require" (int $v.postgresql.port) $v.postgresql.cloudnativepg.database | quote }}
{{- else }}
- name: CALLSHEET_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $db.existingSecret }}
      key: {{ $db.urlKey }}
{{- end }}
{{- with $v.nats.existingSecret }}
- name: NATS_URL
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $v.nats.key }}
{{- end }}
{{- end }}
{{- if eq $c "gateway" }}
- name: CALLSHEET_JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $s.jwt.existingSecret }}
      key: {{ $s.jwt.key }}
{{- end }}
{{- if has $c (splitList " " (include "callsheet.fileUsers" $root)) }}
- name: CALLSHEET_FILES_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $s.files.existingSecret }}
      key: {{ $s.files.key }}
{{- if and $v.files.bucket $s.s3.existingSecret (has $c (splitList " " (include "callsheet.s3Users" $root))) }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ $s.s3.existingSecret }}
      key: {{ $s.s3.accessKeyIdKey }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $s.s3.existingSecret }}
      key: {{ $s.s3.secretAccessKeyKey }}
{{- end }}
{{- end }}
{{- if eq $c "payments" }}
- name: STRIPE_API_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $s.stripe.existingSecret }}
      key: {{ $s.stripe.apiKeyKey }}
- name: STRIPE_WEBHOOK_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $s.stripe.existingSecret }}
      key: {{ $s.stripe.webhookSecretKey }}
{{- end }}
{{- if and (eq $c "notify") $s.userDirectory.existingSecret }}
- name: CALLSHEET_USER_DIRECTORY_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $s.userDirectory.existingSecret }}
      key: {{ $s.userDirectory.key }}
{{- end }}
{{- end -}}

{{/* The pod-level security context of every pod the chart runs. */}}
{{- define "callsheet.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The container-level security context of every container the chart runs. */}}
{{- define "callsheet.securityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
privileged: false
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Spreads a component's pods over nodes and zones. */}}
{{- define "callsheet.topologySpread" -}}
{{- if .root.Values.topologySpread.enabled }}
topologySpreadConstraints:
{{- range $key := list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
  - maxSkew: {{ $.root.Values.topologySpread.maxSkew }}
    topologyKey: {{ $key }}
    whenUnsatisfiable: {{ $.root.Values.topologySpread.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "callsheet.selectorLabels" $ | nindent 8 }}
{{- end }}
{{- end }}
{{- end -}}
