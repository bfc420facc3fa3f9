import type { Root } from 'mdast';
import { visit } from 'unist-util-visit';

/** Longest one-word code span kept on one line; a longer one may still break rather than overflow a phone. */
const MAX_UNBROKEN = 40;

/**
 * Marks one-word inline code (`--live`, `my-release-etcd-0`, `ETCD_FORCE_NEW_CLUSTER=true`) with the class
 * `mr-word`, which custom.css keeps on one line: a browser may break after any hyphen, and `--live` split as
 * "--" + "live" is a flag nobody can read. Code with spaces breaks between its words as usual.
 */
export function remarkInlineCodeWords() {
	return (tree: Root) => {
		visit(tree, 'inlineCode', (node) => {
			if (/\s/.test(node.value) || node.value.length > MAX_UNBROKEN) return;
			node.data = {
				...node.data,
				hProperties: { ...(node.data?.hProperties ?? {}), className: ['mr-word'] },
			};
		});
	};
}
