{{- /*
Object names are fixed, as in manifests/: the webhook configurations and ClusterRoles are cluster-wide, so one
release per cluster, and the CLI's defaults (certs --webhook-configuration, report --pods) name these objects.
*/}}

{{- /* The labels the kustomize base gives an object (name, and component when given), without Helm's. */}}
{{- define "mcp-header-forward.selectorLabels" -}}
app.kubernetes.io/name: mcp-header-forward
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end }}

{{- /*
Call with (dict "root" $ "component" "webhook"): the base's labels plus the ones Helm charts carry, plus the
map "extra" when given (metrics.labels on the monitoring objects).
*/}}
{{- define "mcp-header-forward.labels" -}}
{{ include "mcp-header-forward.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "mcp-header-forward.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- /* The injected sidecar: the webhook's image unless sidecar.image says otherwise. */}}
{{- define "mcp-header-forward.sidecarImage" -}}
{{ .Values.sidecar.image.repository | default .Values.image.repository }}:{{ .Values.sidecar.image.tag | default .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{- /* Scheduling shared by the webhook and certs pods. */}}
{{- define "mcp-header-forward.podScheduling" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- /* The restricted Pod Security profile, as every container in manifests/ sets it. */}}
{{- define "mcp-header-forward.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- /* The certs pod: the install Job's and the renewal CronJob's, equal as in the self-signed overlay. */}}
{{- define "mcp-header-forward.certsPodTemplate" -}}
metadata:
  labels:
    {{- include "mcp-header-forward.labels" (dict "root" . "component" "certs") | nindent 4 }}
spec:
  serviceAccountName: mcp-header-forward-certs
  restartPolicy: OnFailure
  securityContext:
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 65532
    seccompProfile:
      type: RuntimeDefault
  {{- with include "mcp-header-forward.podScheduling" . | trim }}{{ . | nindent 2 }}{{- end }}
  containers:
    - name: certs
      image: {{ include "mcp-header-forward.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      args:
        - certs
        - --service=mcp-header-forward
        - --namespace={{ .Release.Namespace }}
        - --secret-name=mcp-header-forward-tls
        - --webhook-configuration=mcp-header-forward
        - --apply
        - --days={{ .Values.certificates.selfSigned.days }}
        - --renew-before-days={{ .Values.certificates.selfSigned.renewBeforeDays }}
      resources:
        {{- toYaml .Values.certificates.selfSigned.resources | nindent 8 }}
      securityContext:
        {{- include "mcp-header-forward.containerSecurityContext" . | nindent 8 }}
{{- end }}

{{- /* cainjector writes the serving Certificate's CA into caBundle (the generated webhook configurations use it). */}}
{{- define "mcp-header-forward.webhookConfigurationAnnotations" -}}
{{- if eq .Values.certificates.source "cert-manager" -}}
annotations:
  cert-manager.io/inject-ca-from: {{ .Release.Namespace }}/mcp-header-forward-serving
{{- end }}
{{- end }}
