package fetch

import (
	"fmt"
	"net/http"
	"net/textproto"
	"strings"
)

// ParseHeaders reads request headers given as "Name: value" lines (curl's
// -H): "Name:" alone removes a header. A value with CR or LF could smuggle a second
// header or request, so it is refused.
func ParseHeaders(values []string) (http.Header, error) {
	h := http.Header{}
	for _, v := range values {
		if strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("header %q contains a line break", v)
		}
		name, value, ok := strings.Cut(v, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("header %q is not 'Name: value'", v)
		}
		value = strings.TrimSpace(value)
		key := textproto.CanonicalMIMEHeaderKey(name)
		if value == "" {
			h[key] = []string{""}
			continue
		}
		if len(h[key]) == 1 && h[key][0] == "" {
			h[key] = nil
		}
		h[key] = append(h[key], value)
	}
	return h, nil
}
