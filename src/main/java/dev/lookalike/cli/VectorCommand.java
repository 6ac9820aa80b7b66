package dev.lookalike.cli;

import dev.lookalike.embed.ClipModel;
import dev.lookalike.embed.DecodedImage;
import dev.lookalike.embed.ImageDecoder;
import dev.lookalike.embed.ImagePreprocessor;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@CommandLine.Command(name = "vector", mixinStandardHelpOptions = true,
        description = "Print the model's unit vector for one text or one image as a JSON array.")
class VectorCommand extends ModelCommand implements Callable<Integer> {

    @CommandLine.ArgGroup(multiplicity = "1")
    Input input;

    static class Input {
        @CommandLine.Option(names = "--text", paramLabel = "TEXT", required = true, description = "Embed this text.")
        String text;

        @CommandLine.Option(names = "--image", paramLabel = "FILE", required = true,
                description = "Embed this photo (JPEG, PNG, WebP, …).")
        Path image;
    }

    @Override
    public Integer call() throws Exception {
        byte[] bytes = null;
        if (input.image != null) {
            try {
                bytes = Files.readAllBytes(input.image);
            } catch (NoSuchFileException e) {
                throw new CommandFailure(ExitCodes.NOT_FOUND, "no such file: " + input.image);
            }
        }
        try (ClipModel clip = loadModel()) {
            float[] v;
            if (input.text != null) {
                v = clip.embedText(input.text);
            } else {
                DecodedImage img = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(bytes);
                v = clip.embedPixels(List.of(new ImagePreprocessor(clip.imageSpec()).pixels(img.image())))[0];
            }
            out.println(Json.line(v));
        } catch (dev.lookalike.embed.ImageDecodeException e) {
            throw new CommandFailure(ExitCodes.USAGE, input.image + ": " + e.getMessage());
        }
        return ExitCodes.OK;
    }
}
