/**
 * `/recordings/<runbook>.<lang>.cast`: the committed asciicast files, served as they are; the terminal
 * widget fetches one only when a reader opens it.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { castFiles, RECORDINGS_DIR } from '../../components/terminal/recordings.ts';

export const getStaticPaths: GetStaticPaths = () => castFiles().map((file) => ({ params: { file } }));

export const GET: APIRoute = ({ params }) =>
	new Response(readFileSync(path.join(RECORDINGS_DIR, String(params.file))), {
		headers: { 'Content-Type': 'application/x-asciicast; charset=utf-8' },
	});
