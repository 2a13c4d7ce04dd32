{{/* Chart name, truncated to the 63 characters Kubernetes allows in names. */}}
{{- define "modehop.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "modehop.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of a component's objects: <fullname>-<component>, e.g. modehop-scorer. */}}
{{- define "modehop.componentName" -}}
{{- printf "%s-%s" (include "modehop.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "modehop.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "modehop.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: modehop
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "component" "scorer"). */}}
{{- define "modehop.selectorLabels" -}}
app.kubernetes.io/name: {{ include "modehop.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "modehop.componentLabels" -}}
{{ include "modehop.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "modehop.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "modehop.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "modehop.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Secret holding MODEHOP_KAFKA_* secret settings: the user's existing one or the chart's. Empty: none. */}}
{{- define "modehop.secretName" -}}
{{- if .Values.kafka.existingSecret -}}
{{- .Values.kafka.existingSecret -}}
{{- else if or .Values.kafka.secretConfig .Values.registry.secretConfig -}}
{{- printf "%s-secrets" (include "modehop.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Kafka client property or ServiceConfig key -> environment variable: sasl.jaas.config -> SASL_JAAS_CONFIG. */}}
{{- define "modehop.envSuffix" -}}
{{- . | upper | replace "." "_" | replace "-" "_" -}}
{{- end -}}

{{/*
Non-secret settings every modehop process reads (ops ServiceConfig), as a map of env name -> value.
Rendered into the shared ConfigMap, and inline into the topic hook Job, which runs before that ConfigMap exists.
*/}}
{{- define "modehop.commonEnv" -}}
MODEHOP_BOOTSTRAP_SERVERS: {{ required "kafka.bootstrapServers is required" .Values.kafka.bootstrapServers | quote }}
MODEHOP_REGISTRY_URL: {{ required "registry.url is required" .Values.registry.url | quote }}
MODEHOP_TOPIC_PREFIX: {{ .Values.kafka.topicPrefix | default "" | quote }}
MODEHOP_HEALTH_PORT: {{ .Values.health.port | quote }}
{{- range $k, $v := .Values.kafka.config }}
MODEHOP_KAFKA_{{ include "modehop.envSuffix" $k }}: {{ $v | toString | quote }}
{{- end }}
{{- range $k, $v := .Values.config }}
MODEHOP_{{ include "modehop.envSuffix" $k }}: {{ $v | toString | quote }}
{{- end }}
{{- end -}}

{{- define "modehop.secretEnv" -}}
{{- range $k, $v := .Values.kafka.secretConfig }}
MODEHOP_KAFKA_{{ include "modehop.envSuffix" $k }}: {{ $v | toString | b64enc | quote }}
{{- end }}
{{- range $k, $v := .Values.registry.secretConfig }}
MODEHOP_{{ include "modehop.envSuffix" $k }}: {{ $v | toString | b64enc | quote }}
{{- end }}
{{- end -}}

{{/* envFrom for the long-running services: the shared ConfigMap and, when there is one, the Secret. */}}
{{- define "modehop.envFrom" -}}
- configMapRef:
    name: {{ include "modehop.fullname" . }}-config
{{- with include "modehop.secretName" . }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end -}}

{{/* Liveness, readiness and startup probes on the ops HealthServer port. */}}
{{- define "modehop.probes" -}}
startupProbe:
  httpGet:
    path: /health/live
    port: health
  periodSeconds: 5
  failureThreshold: {{ .Values.probes.startupFailureThreshold }}
livenessProbe:
  httpGet:
    path: /health/live
    port: health
  periodSeconds: {{ .Values.probes.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.livenessFailureThreshold }}
readinessProbe:
  httpGet:
    path: /health/ready
    port: health
  periodSeconds: {{ .Values.probes.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.readinessFailureThreshold }}
{{- end -}}

{{- define "modehop.metricsAnnotations" -}}
{{- if .Values.metrics.podAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.health.port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}
