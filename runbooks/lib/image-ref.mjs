// @ts-check
// Container image references as the kubelet and containerd read them: `bitnami/etcd:3.5.18` is
// `docker.io/bitnami/etcd:3.5.18`, `etcd` is `docker.io/library/etcd:latest`, a first part with a dot, a colon or
// `localhost` is a registry host. Pure functions, no I/O.

/**
 * @typedef {object} ImageRef
 * @property {string} registry    `docker.io` unless the reference names a host
 * @property {string} repository  the path under the registry (`bitnami/etcd`)
 * @property {string} tag         '' when the reference has none (or only a digest)
 * @property {string} digest      `sha256:…`, '' when none
 */

// What `kubectl set image` and the API server accept: lowercase path parts, an optional tag, an optional digest.
// A registry host has a dot or a port, or is localhost; without one the first part is a lowercase path part.
const REFERENCE_RE =
	/^(?:(?:[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+(?::\d+)?|[a-zA-Z0-9-]+:\d+|localhost)\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/;

/** @param {string} image */
export function isImageReference(image) {
	return REFERENCE_RE.test(image);
}

/**
 * Split a reference into registry, repository, tag and digest.
 * @param {string} image
 * @returns {ImageRef}
 */
export function parseImageRef(image) {
	let rest = image.trim();
	let digest = '';
	const at = rest.indexOf('@');
	if (at >= 0) {
		digest = rest.slice(at + 1);
		rest = rest.slice(0, at);
	}
	let tag = '';
	const colon = rest.lastIndexOf(':');
	if (colon > rest.lastIndexOf('/')) {
		tag = rest.slice(colon + 1);
		rest = rest.slice(0, colon);
	}
	const slash = rest.indexOf('/');
	const first = slash >= 0 ? rest.slice(0, slash) : '';
	const hasHost = slash >= 0 && (/[.:]/.test(first) || first === 'localhost');
	const registry = hasHost ? first : 'docker.io';
	let repository = hasHost ? rest.slice(slash + 1) : rest;
	if (registry === 'index.docker.io' || registry === 'registry-1.docker.io')
		return parseImageRef(
			`docker.io/${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`,
		);
	if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
	return { registry, repository, tag, digest };
}

/**
 * The full reference (`docker.io/bitnami/etcd:3.5.18`), as containerd names it in its errors.
 * @param {ImageRef} ref
 */
export function formatImageRef(ref) {
	const tag = ref.tag ? `:${ref.tag}` : ref.digest ? '' : ':latest';
	return `${ref.registry}/${ref.repository}${tag}${ref.digest ? `@${ref.digest}` : ''}`;
}
