package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// nodePKI is the certificate authority of a node cluster, the way kubeadm lays one out: one CA signs the
// apiserver's serving certificate (names and IPs pods and the host use), the kubelet's serving certificate, and
// every client certificate (admin, controller-manager, scheduler, kubelet, kube-proxy, the apiserver's client to
// the kubelets). The controller-manager signs CertificateSigningRequests with it too, so a client certificate
// issued through the CSR API is accepted like the others. A separate RSA key signs ServiceAccount tokens.
//
// Written by hand with crypto/x509 because envtest's certificate helpers are internal to controller-runtime and
// know one serving name only (localhost); what is here is the standard library's certificate API, nothing more.
type nodePKI struct {
	dir    string
	caCert *x509.Certificate
	caKey  crypto.Signer
	caPEM  []byte
}

const certValidity = 365 * 24 * time.Hour

func newNodePKI(dir string) (*nodePKI, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "testenv-node-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(certValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	p := &nodePKI{dir: dir, caCert: cert, caKey: key, caPEM: pemBlock("CERTIFICATE", der)}
	keyPEM, err := pkcs8PEM(key)
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(p.caFile(), p.caPEM, 0o644); err != nil {
		return nil, err
	}
	return p, writeFileAtomic(p.caKeyFile(), keyPEM, 0o600)
}

func (p *nodePKI) caFile() string    { return filepath.Join(p.dir, "ca.crt") }
func (p *nodePKI) caKeyFile() string { return filepath.Join(p.dir, "ca.key") }

// issue signs a certificate for a new EC P-256 key (written as PKCS#8, as client-go's tools write keys) and
// returns both PEM encoded.
func (p *nodePKI) issue(cn string, orgs []string, usage x509.ExtKeyUsage, dns []string, ips []net.IP) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn, Organization: orgs},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(certValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
		DNSNames:     dns,
		IPAddresses:  ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, key.Public(), p.caKey)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err = pkcs8PEM(key)
	return pemBlock("CERTIFICATE", der), keyPEM, err
}

// writePair issues a certificate and writes <name>.crt and <name>.key into dir; returns their paths.
func (p *nodePKI) writePair(dir, name, cn string, orgs []string, usage x509.ExtKeyUsage, dns []string, ips []net.IP) (string, string, error) {
	certPEM, keyPEM, err := p.issue(cn, orgs, usage, dns, ips)
	if err != nil {
		return "", "", err
	}
	crt, key := filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if err := writeFileAtomic(crt, certPEM, 0o644); err != nil {
		return "", "", err
	}
	return crt, key, writeFileAtomic(key, keyPEM, 0o600)
}

// writeServiceAccountSigner writes the RSA key that signs ServiceAccount tokens and its certificate, under the
// names envtest passes to kube-apiserver (--service-account-key-file, --service-account-signing-key-file).
func (p *nodePKI) writeServiceAccountSigner(certDir string) (keyFile string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "service-accounts"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(certValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return "", err
	}
	keyPEM, err := pkcs8PEM(key)
	if err != nil {
		return "", err
	}
	if err := writeFileAtomic(filepath.Join(certDir, "sa-signer.crt"), pemBlock("CERTIFICATE", der), 0o644); err != nil {
		return "", err
	}
	keyFile = filepath.Join(certDir, "sa-signer.key")
	return keyFile, writeFileAtomic(keyFile, keyPEM, 0o600)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

func pemBlock(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}

func pkcs8PEM(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pemBlock("PRIVATE KEY", der), nil
}

// nodeAuthn is envtest's Authn for a node cluster: client certificates signed by the node's CA (envtest's own
// authenticator keeps its CA to itself, and the kubelet must trust the CA that signs the apiserver's client).
type nodeAuthn struct{ pki *nodePKI }

var _ envtest.Authn = (*nodeAuthn)(nil)

func (a *nodeAuthn) Configure(_ string, args *envtest.Arguments) error {
	args.Set("client-ca-file", a.pki.caFile())
	return nil
}

func (a *nodeAuthn) Start() error { return nil }

func (a *nodeAuthn) AddUser(user envtest.User, base *rest.Config) (*rest.Config, error) {
	certPEM, keyPEM, err := a.pki.issue(user.Name, user.Groups, x509.ExtKeyUsageClientAuth, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("client certificate for %s: %w", user.Name, err)
	}
	cfg := rest.CopyConfig(base)
	cfg.CertData, cfg.KeyData, cfg.CAData = certPEM, keyPEM, a.pki.caPEM
	return cfg, nil
}

func (a *nodeAuthn) Stop() error { return nil }
