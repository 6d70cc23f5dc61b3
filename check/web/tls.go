package web

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"
)

// maxPEMFile caps what is read of a CA, certificate or key file.
const maxPEMFile = 4 << 20

// readFileLimited reads a file of at most max bytes. A larger file (or a
// device that never ends) is an error, not a hang.
func readFileLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the caller names the file
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, max)
	}
	return b, nil
}

// tlsConfig reads --ca-file, --client-cert and --client-key.
func tlsConfig(cfg ClientConfig) (*tls.Config, error) {
	tlsConf := &tls.Config{InsecureSkipVerify: cfg.Insecure} //nolint:gosec // --insecure is the admin's choice
	if len(cfg.CAFiles) > 0 {
		// Trust exactly the files, as curl --cacert and check_curl --ca-cert
		// do: loading the system store as well costs ~12 ms of CPU and
		// 5 MiB per run.
		pool := x509.NewCertPool()
		for _, f := range cfg.CAFiles {
			pem, err := readFileLimited(f, maxPEMFile)
			if err != nil {
				return nil, fmt.Errorf("--ca-file: %w", err)
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("--ca-file %s: no PEM certificate in it", f)
			}
		}
		tlsConf.RootCAs = pool
	}
	if cfg.ClientCert == "" && cfg.ClientKey == "" {
		return tlsConf, nil
	}
	if cfg.ClientCert == "" || cfg.ClientKey == "" {
		return nil, errors.New("--client-cert and --client-key go together")
	}
	certPEM, err := readFileLimited(cfg.ClientCert, maxPEMFile)
	if err != nil {
		return nil, fmt.Errorf("--client-cert: %w", err)
	}
	keyPEM, err := readFileLimited(cfg.ClientKey, maxPEMFile)
	if err != nil {
		return nil, fmt.Errorf("--client-key: %w", err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("--client-cert/--client-key: %w", err)
	}
	tlsConf.Certificates = []tls.Certificate{cert}
	return tlsConf, nil
}

// noteCert remembers the expiry of the leaf certificate of host:port; a host
// keeps the first certificate it showed.
func (c *Client) noteCert(hostPort string, notAfter time.Time) {
	c.certMu.Lock()
	defer c.certMu.Unlock()
	if c.certs == nil {
		c.certs = map[string]time.Time{}
	}
	hostPort = strings.ToLower(hostPort)
	if _, ok := c.certs[hostPort]; !ok {
		c.certs[hostPort] = notAfter
	}
}

// CertNotAfter returns the expiry of the certificate the client met at u's
// host, if it made a TLS connection there.
func (c *Client) CertNotAfter(u *url.URL) (time.Time, bool) {
	c.certMu.Lock()
	defer c.certMu.Unlock()
	t, ok := c.certs[canonicalHost(u)]
	return t, ok
}
