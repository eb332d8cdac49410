{{- define "kubeguard.name" -}}kubeguard{{- end -}}

{{- define "kubeguard.labels" -}}
app.kubernetes.io/name: kubeguard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "kubeguard.selector" -}}
app.kubernetes.io/name: kubeguard
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kubeguard.fullname" -}}
{{- if eq .Release.Name "kubeguard" -}}kubeguard{{- else -}}{{ printf "%s-kubeguard" .Release.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "kubeguard.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
{{- end -}}
