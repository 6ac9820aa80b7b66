package dev.lookalike.web;

import dev.lookalike.catalog.ImageInfo;
import dev.lookalike.catalog.Product;
import dev.lookalike.catalog.ProductImage;
import dev.lookalike.search.Crop;
import dev.lookalike.search.Facets;
import dev.lookalike.search.LiveSearch;
import dev.lookalike.search.Match;
import dev.lookalike.search.ResultPage;
import dev.lookalike.search.SearchException;
import dev.lookalike.search.SearchFilter;
import dev.lookalike.search.SearchService;
import dev.lookalike.search.UnknownProductException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shopper's gallery: server-rendered pages that work without JavaScript. Every state of the home
 * page is a shareable URL ({@code /?q=gold+purple&max_price=200}, {@code /?like=ID&cheaper=true}).
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class GalleryResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(SearchView view, StylePages.Strip styles);

        static native TemplateInstance product(ProductView view, StylePages.Line style);

        static native TemplateInstance error(int status, String message, String q);
    }

    /**
     * One item in a grid. Text fields are shown escaped; {@code saving} is empty unless cheaper;
     * {@code matches} lists the query's words the product's text holds ("hoodie, Luma"); {@code offers} are
     * every shop's offer of the item when more than one shop sells it, and {@code fromPrice} the lowest of them;
     * {@code sameItem} marks a lookalike that is this very item in another shop.
     */
    @TemplateData
    public record Card(String id, String name, String price, String shop, String brand, String thumb, String productUrl,
                       String likeUrl, String cheaperUrl, String saving, String score, String matches,
                       List<CardOffer> offers, String fromPrice, boolean sameItem) {}

    /** Another shop's offer of a card's item. */
    @TemplateData
    public record CardOffer(String shop, String price, String url) {}

    /** A choice in a menu, with how many results choosing it gives (-1: not counted). */
    @TemplateData
    public record Option(String value, String label, boolean selected, int count) {}

    /** What the home page shows: the form's state, the results and the links around them. */
    @TemplateData
    public record SearchView(String q, String like, boolean cheaper, String photo, String imageUrl, String minPrice,
                             String maxPrice, String maxPriceLabel, long priceCeiling, List<Option> shops,
                             List<Option> brands, List<Option> sorts, List<Option> modes, boolean all, String heading,
                             Card likeCard, String message, List<Card> cards, int first, int last, int total,
                             String prevUrl, String nextUrl, String clearLikeUrl, String cheaperToggleUrl,
                             String looserUrl, String closerUrl, boolean filtered, int status, String crop,
                             SearchPhoto searchPhoto, String placeholder, String maxPhotoSize, long maxPhotoBytes,
                             String clearUrl, String description, String cluster, String near) {}

    /**
     * The shopper's own photo above its results: its preview's address and the original's size in pixels
     * (crops are in those), the crop searched by (may be null), the automatic regions and the address a
     * drawn crop is added to ({@code cropBase + "&crop=x,y,w,h"}).
     */
    @TemplateData
    public record SearchPhoto(String src, int width, int height, int shownWidth, int shownHeight, String crop,
                              List<Region> regions, String cropBase, Crop cropBox) {}

    /** An automatic region of the search photo, as a link that searches by it. */
    @TemplateData
    public record Region(String label, String url, boolean selected) {}

    /** One photo on a product page. */
    @TemplateData
    public record Photo(String thumb, String full, String src, String srcset, String link, int width, int height,
                        boolean selected) {}

    /** The product page: the product, its photos and its lookalikes. */
    @TemplateData
    public record ProductView(Card card, String description, String category, String shopUrl, Photo mainPhoto,
                              List<Photo> photos, List<CardOffer> offers,
                              List<Card> similar, String similarMessage, List<Card> cheaper, String cheaperMessage,
                              String allSimilarUrl, String allCheaperUrl, String metaDescription) {}

    /** The widths product photos are served at ({@code /images/{id}/thumbnail?w=…}) for the main photo. */
    static final List<Integer> MAIN_WIDTHS = List.of(480, 640, 960);

    private final Serving serving;
    private final PhotoSearch photos;
    private final ServeConfig.Web web;
    private final Styles styles;

    @Inject
    GalleryResource(Serving serving, PhotoSearch photos, ServeConfig config, Styles styles) {
        this.serving = serving;
        this.photos = photos;
        this.web = config.web();
        this.styles = styles;
    }

    @GET
    public Response home(@RestQuery String q, @RestQuery String like, @RestQuery String cheaper,
                         @RestQuery String photo, @RestQuery("image_url") String imageUrl, @RestQuery String crop,
                         @RestQuery String offset, @BeanParam FilterParams filters, @BeanParam RankParams rank,
                         @RestQuery String cluster, @RestQuery String near, @Context UriInfo uri) {
        LiveSearch live = serving.ready();
        SearchService service = live.service();
        Facets facets = service.facets();
        long ceiling = Money.ceiling(facets.maxPrice());
        String text = Params.text(q);
        String photoKey = Params.text(photo);
        String url = Params.text(imageUrl);
        String cropText = photoKey != null || url != null ? Params.text(crop) : null;
        String likeId;
        boolean cheaperOnly;
        int skip;
        Double max;
        try {
            likeId = Params.productId("like", like);
            cheaperOnly = Params.flag("cheaper", cheaper) && likeId != null;
            skip = Params.count("offset", offset, 0, 0, 100_000);
            max = Params.price("max_price", filters.maxPrice);
        } catch (WebProblem e) {
            return failed(e, text, Params.text(like), photoKey, url, filters, rank, ceiling, facets);
        }
        // the slider always sends a value: at its top it means "any price"
        if (max != null && max >= ceiling) {
            filters.maxPrice = null;
        }
        int n = web.pageSize();

        Links.Query state = new Links.Query("/").with("q", text).with("like", likeId)
                .with("cheaper", cheaperOnly ? "true" : null).with("photo", photoKey).with("image_url", url)
                .with("min_price", Params.text(filters.minPrice)).with("max_price", Params.text(filters.maxPrice))
                .with("shop", Params.text(filters.shop)).with("brand", Params.text(filters.brand))
                .with("category", Params.text(filters.category)).with("mode", Params.text(rank.mode))
                .with("sort", Params.text(rank.sort)).with("floor", Params.text(rank.floor))
                .with("diverse", Params.text(rank.diverse)).with("crop", cropText)
                .with("cluster", Params.text(cluster)).with("near", Params.text(near)); // browse by style
        // one address per state: empty fields (a form sent without JavaScript) and a slider left at "any" go
        if (!clean(uri.getRequestUri().getRawQuery(), max != null && max >= ceiling)) {
            return Response.seeOther(URI.create(state.copy().with("offset", skip > 0 ? skip : null).toString())).build();
        }
        Links.Query filterState = new Links.Query("/")
                .with("min_price", Params.text(filters.minPrice)).with("max_price", Params.text(filters.maxPrice))
                .with("shop", Params.text(filters.shop)).with("brand", Params.text(filters.brand))
                .with("category", Params.text(filters.category));

        Card likeCard = null;
        SearchPhoto searchPhoto = null;
        String heading;
        String message = null;
        int status = 200;
        ResultPage page = new ResultPage(List.of(), false);
        SearchService.Query ranking = new SearchService.Query(null, null, false, SearchFilter.NONE);
        try {
            SearchFilter filter = filters.toFilter();
            if (text != null || likeId != null || photoKey != null || url != null) {
                // a search within a style or a place on the map: only its products
                filter = StylePages.within(styles.of(live), Params.text(cluster), Params.text(near))
                        .map(filter::within).orElse(filter);
            }
            ranking = rank.apply(ranking);
            if (likeId != null) {
                Product p = live.index().product(likeId).orElseThrow(() -> new UnknownProductException(likeId));
                likeCard = card(new Match(p, live.index().imageOf(p.id()).orElse(null), 0f, null), filterState);
            }
            if (photoKey != null || url != null) {
                heading = "Looks like your photo";
                Crop cropBox = parseCrop(cropText);
                String key = photoKey != null ? photoKey : PhotoSearch.urlKey(url);
                float[] v = photoKey != null ? photos.remembered(photoKey) : photos.url(url);
                if (v != null) {
                    searchPhoto = searchPhoto(key, photoKey, url, cropBox, state);
                    v = photos.remembered(key, cropBox);
                }
                if (v == null) {
                    status = 404;
                    message = "This photo search has expired. Upload the photo again.";
                } else {
                    page = service.byVector(v, filter, ranking.sort(), ranking.all(), ranking.diverse(), n, skip);
                }
            } else if (text != null || likeId != null) {
                heading = likeCard == null ? "Results for “" + text + "”"
                        : cheaperOnly ? (text == null ? "Cheaper lookalikes of " + likeCard.name()
                        : "Cheaper, like " + likeCard.name() + " but “" + text + "”")
                        : text == null ? "Looks like " + likeCard.name()
                        : "Like " + likeCard.name() + ", but “" + text + "”";
                page = service.search(new SearchService.Query(text, likeId, cheaperOnly, filter)
                        .with(ranking.mode(), ranking.sort(), ranking.all(), ranking.diverse()), n, skip);
            } else if (Params.text(cluster) != null || Params.text(near) != null) {
                // browse by style: one style's products, or a place on the map (StylePages)
                StylePages.Browse b = StylePages.browse(live, styles.of(live), Params.text(cluster), Params.text(near),
                        filter, n, skip).orElseThrow();
                heading = b.heading();
                page = b.page();
            } else {
                heading = "All products";
                page = service.browse(filter, ranking.sort(), n, skip);
            }
            if (page.results().isEmpty() && message == null) {
                message = skip > 0 ? "No more results." : cheaperOnly ? "Nothing cheaper looks like this."
                        : "Nothing matches. Try other words or fewer filters.";
            }
        } catch (WebProblem e) {
            heading = "Search";
            status = e.status();
            message = WebProblem.forShopper(e.getMessage());
        } catch (UnknownProductException e) {
            heading = "Search";
            status = 404;
            message = "That product is not in the catalogue (any more).";
        } catch (SearchException | IllegalArgumentException e) {
            heading = "Search";
            status = 400;
            message = WebProblem.forShopper(e.getMessage());
        }

        List<Card> cards = page.results().stream().map(m -> card(m, filterState)).toList();
        boolean searching = text != null || likeId != null || photoKey != null || url != null;
        String looser = searching && page.looser() ? state.copy().with("floor", "off").with("offset", null).toString()
                : null;
        String closer = searching && ranking.all() ? state.copy().with("floor", null).with("offset", null).toString()
                : null;
        String prev = skip > 0 ? state.copy().with("offset", skip - n > 0 ? skip - n : null).toString() : null;
        String next = page.more() ? state.copy().with("offset", skip + n).toString() : null;
        String clearLike = likeId == null ? null : state.copy().with("like", null).with("cheaper", null)
                .with("offset", null).toString();
        String toggle = likeId == null ? null : state.copy().with("cheaper", cheaperOnly ? null : "true")
                .with("offset", null).toString();
        boolean filtered = Params.text(filters.minPrice) != null || Params.text(filters.maxPrice) != null
                || Params.text(filters.shop) != null || Params.text(filters.brand) != null;
        String maxPrice = Params.text(filters.maxPrice);
        String clearUrl = new Links.Query("/").with("q", text).with("like", likeId).with("photo", photoKey)
                .with("image_url", url).with("crop", cropText).toString();
        SearchView view = new SearchView(text == null ? "" : text, likeId, cheaperOnly, photoKey, url,
                Params.text(filters.minPrice), maxPrice == null ? String.valueOf(ceiling) : maxPrice,
                maxPrice == null ? "any" : maxPrice, ceiling,
                options(facets.shops(), filters.shop, page.counts().shops()),
                options(facets.brands(), filters.brand, page.counts().brands()),
                sorts(ranking.sort().label()), modes(ranking.mode().label()),
                ranking.all(), heading, likeCard, message, cards, skip + 1, skip + cards.size(), page.total(), prev,
                next, clearLike, toggle, looser, closer, filtered, status, cropText, searchPhoto,
                placeholder(service), WebProblem.size(photos.maxBytes()), photos.maxBytes(), clearUrl,
                description(heading, page.total()), Params.text(cluster), Params.text(near));
        // the "Browse by style" strip: on the plain home page only
        boolean plain = !searching && Params.text(cluster) == null && Params.text(near) == null && skip == 0;
        StylePages.Strip strip = plain && status == 200 ? StylePages.strip(live, styles.of(live)) : null;
        return Response.status(status).entity(Templates.index(view, strip)).build();
    }

    /** The home page for a request whose paging or flags cannot be read: the form as sent, the reason. */
    private Response failed(WebProblem e, String text, String likeId, String photoKey, String url,
                            FilterParams filters, RankParams rank, long ceiling, Facets facets) {
        String maxPrice = Params.text(filters.maxPrice);
        String clearUrl = new Links.Query("/").with("q", text).with("like", likeId).with("photo", photoKey)
                .with("image_url", url).toString();
        SearchView view = new SearchView(text == null ? "" : text, likeId, false, photoKey, url,
                Params.text(filters.minPrice), maxPrice == null ? String.valueOf(ceiling) : maxPrice,
                maxPrice == null ? "any" : maxPrice, ceiling,
                options(facets.shops(), filters.shop, java.util.Map.of()),
                options(facets.brands(), filters.brand, java.util.Map.of()),
                sorts(Params.text(rank.sort) == null ? "relevance" : rank.sort),
                modes(Params.text(rank.mode) == null ? "both" : rank.mode),
                false, "Search", null, WebProblem.forShopper(e.getMessage()), List.of(), 1, 0, 0, null, null, null,
                null, null, null, false, e.status(), null, null, placeholder(serving.ready().service()),
                WebProblem.size(photos.maxBytes()), photos.maxBytes(), clearUrl, "Search the catalogue by look.", null, null);
        return Response.status(e.status()).entity(Templates.index(view, null)).build();
    }

    /**
     * True when a query string has no empty parameters ({@code shop=}) and no slider left at "any"; a
     * query without them is the one address of its state.
     */
    static boolean clean(String rawQuery, boolean maxAtCeiling) {
        if (maxAtCeiling) {
            return false;
        }
        if (rawQuery == null || rawQuery.isEmpty()) {
            return true;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            if (pair.isEmpty() || eq < 0 || eq == pair.length() - 1) {
                return false;
            }
        }
        return true;
    }

    private static Crop parseCrop(String text) {
        try {
            return Crop.parse(text);
        } catch (SearchException e) {
            throw WebProblem.badRequest(e.getMessage());
        }
    }

    /** The search photo's box: its preview, its size, the crop and a few regions to search by. */
    private SearchPhoto searchPhoto(String key, String photoKey, String url, Crop crop, Links.Query state) {
        PhotoSearch.Remembered r = photos.photo(key);
        if (r == null) {
            return null;
        }
        int w = r.width();
        int h = r.height();
        Links.Query base = state.copy().with("crop", null).with("offset", null);
        String current = crop == null ? null : crop.within(w, h).toString();
        List<Region> regions = new ArrayList<>();
        String[][] boxes = {
                {"Whole photo", null},
                {"Centre", new Crop(w / 4, h / 4, Math.max(Crop.MIN_SIDE, w / 2), Math.max(Crop.MIN_SIDE, h / 2)).toString()},
                {"Left half", new Crop(0, 0, Math.max(Crop.MIN_SIDE, w / 2), h).toString()},
                {"Right half", new Crop(w / 2, 0, Math.max(Crop.MIN_SIDE, w - w / 2), h).toString()},
                {"Top half", new Crop(0, 0, w, Math.max(Crop.MIN_SIDE, h / 2)).toString()},
                {"Bottom half", new Crop(0, h / 2, w, Math.max(Crop.MIN_SIDE, h - h / 2)).toString()},
        };
        for (String[] b : boxes) {
            if (b[1] != null && (w < 2 * Crop.MIN_SIDE || h < 2 * Crop.MIN_SIDE)) {
                continue; // too small a photo to cut
            }
            regions.add(new Region(b[0], base.copy().with("crop", b[1]).toString(), java.util.Objects.equals(b[1], current)));
        }
        String src = new Links.Query("/search/photo").with("photo", photoKey).with("image_url", url).toString();
        double scale = Math.min(1.0, (double) PhotoSearch.PREVIEW_SIDE / Math.max(w, h));
        int shownW = Math.max(1, (int) Math.round(w * scale));
        int shownH = Math.max(1, (int) Math.round(h * scale));
        String cropBase = base.toString();
        return new SearchPhoto(src, w, h, shownW, shownH, current, regions, cropBase,
                crop == null ? null : crop.within(w, h));
    }

    /** An example for the search box, from the catalogue's own most common categories. */
    static String placeholder(SearchService service) {
        return placeholder(service.topCategories(8));
    }

    /**
     * "Try “hoodies” or “jackets”" from categories, most common first: each one's last part ("Women > Tops >
     * Hoodies" gives "hoodies"), short enough for a phone's search box (20 characters), at most two.
     */
    static String placeholder(List<String> categories) {
        List<String> words = categories.stream()
                .map(c -> c.replaceAll(".*[>/|»]", "").strip().toLowerCase(Locale.ROOT))
                .filter(c -> !c.isEmpty() && c.length() <= 20).distinct().limit(2).toList();
        if (words.isEmpty()) {
            return "Search by words: a colour, a thing";
        }
        return "Try “" + String.join("” or “", words) + "”";
    }

    private static String description(String heading, int total) {
        return heading + ": " + total + " product" + (total == 1 ? "" : "s")
                + " from the catalogue, found by how their photos look.";
    }

    /** The shopper's search photo (a smaller JPEG copy), to show above its results. */
    @GET
    @Path("/search/photo")
    @Produces("image/jpeg")
    public Response photoPreview(@RestQuery String photo, @RestQuery("image_url") String imageUrl) {
        String key = Params.text(photo) != null ? Params.text(photo)
                : Params.text(imageUrl) != null ? PhotoSearch.urlKey(Params.text(imageUrl)) : null;
        SearchService.Jpeg jpeg = key == null ? null : photos.preview(key);
        if (jpeg == null) {
            throw new WebProblem(404, "this photo search has expired: upload the photo again");
        }
        return Response.ok(jpeg.bytes(), "image/jpeg").header("Cache-Control", "private, max-age=3600").build();
    }

    @GET
    @Path("/products/{id}")
    public TemplateInstance product(@RestPath String id, @RestQuery String photo) {
        LiveSearch live = serving.ready();
        String pid = id.toLowerCase(Locale.ROOT);
        Product p = live.index().product(pid).orElseThrow(() -> new UnknownProductException(id));
        Links.Query none = new Links.Query("/");
        List<String> imageIds = live.catalogue().productImages(p.id()).stream().map(ProductImage::imageId)
                .filter(i -> i != null && live.catalogue().image(i).map(info -> info.error() == null).orElse(false))
                .distinct().toList();
        int chosen = Math.min(Math.max(0, Params.count("photo", photo, 1, 1, 1000) - 1), Math.max(0, imageIds.size() - 1));
        List<Photo> photoList = new ArrayList<>();
        for (int i = 0; i < imageIds.size(); i++) {
            photoList.add(photo(live, p.id(), imageIds.get(i), i, i == chosen));
        }
        Card card = card(new Match(p, live.index().imageOf(p.id()).orElse(null), 0f, null), none);
        List<Card> similar = List.of();
        List<Card> cheaper = List.of();
        String similarMessage = null;
        String cheaperMessage = null;
        try {
            similar = live.service().similarPage(p.id(), false, SearchFilter.NONE, 8, 0).results().stream()
                    .map(m -> card(m, none)).toList();
            if (similar.isEmpty()) {
                similarMessage = "Nothing else in the catalogue looks like this.";
            }
        } catch (SearchException e) {
            similarMessage = capitalised(e.getMessage()) + ".";
        }
        try {
            cheaper = live.service().similarPage(p.id(), true, SearchFilter.NONE, 8, 0).results().stream()
                    .map(m -> card(m, none)).toList();
            if (cheaper.isEmpty()) {
                cheaperMessage = "Nothing cheaper looks like this.";
            }
        } catch (SearchException e) {
            cheaperMessage = capitalised(e.getMessage()) + ".";
        }
        List<CardOffer> offers = live.service().otherOffers(p.id()).stream()
                .map(o -> new CardOffer(o.shop() == null ? "another shop" : o.shop(), Money.format(o.price(), o.currency()),
                        Links.product(o.productId()))).toList();
        return Templates.product(new ProductView(card, p.description(), p.category(), shopUrl(p.url()),
                photoList.isEmpty() ? null : photoList.get(chosen), photoList, offers,
                similar, similarMessage, cheaper, cheaperMessage, card.likeUrl(), card.cheaperUrl(),
                metaDescription(p)), StylePages.line(styles.of(live), p.id()));
    }

    /** A product photo: its main rendition at the widths a page column needs, with its shown size. */
    private static Photo photo(LiveSearch live, String productId, String imageId, int index, boolean selected) {
        var info = live.catalogue().image(imageId);
        int w = info.map(ImageInfo::width).orElse(640);
        int h = info.map(ImageInfo::height).orElse(640);
        int longest = Math.max(1, Math.max(w, h));
        double scale = Math.min(1.0, 640.0 / longest);
        StringBuilder srcset = new StringBuilder();
        for (int width : MAIN_WIDTHS) {
            if (srcset.length() > 0) {
                srcset.append(", ");
            }
            // a rendition is never larger than the original, so name each by the width it really has, and
            // stop at the first that is the original's own size (two candidates of one width are an error)
            int real = Math.max(1, (int) Math.round(w * Math.min(1.0, (double) width / longest)));
            srcset.append(Links.thumbnail(imageId, width)).append(' ').append(real).append('w');
            if (width >= longest) {
                break;
            }
        }
        return new Photo(Links.thumbnail(imageId), Links.image(imageId), Links.thumbnail(imageId, 640),
                srcset.toString(), Links.product(productId) + (index == 0 ? "" : "?photo=" + (index + 1)),
                Math.max(1, (int) Math.round(w * scale)), Math.max(1, (int) Math.round(h * scale)), selected);
    }

    private static String metaDescription(Product p) {
        StringBuilder sb = new StringBuilder(p.name());
        if (p.price() != null) {
            sb.append(", ").append(Money.format(p.price(), p.currency()));
        }
        if (p.shop() != null) {
            sb.append(" at ").append(p.shop());
        }
        sb.append(", and the products that look like it.");
        return sb.toString();
    }

    @POST
    @Path("/search/photo")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response searchPhoto(@RestForm("image") FileUpload image, @RestForm String url) {
        if (image != null && image.uploadedFile() != null && image.size() > 0) {
            String key = photos.upload(image).key();
            return Response.seeOther(URI.create(new Links.Query("/").with("photo", key).toString())).build();
        }
        if (Params.text(url) != null) {
            PhotoFetcher.parse(url.strip()); // a bad URL is refused here, before the redirect
            return Response.seeOther(URI.create(new Links.Query("/").with("image_url", url.strip()).toString())).build();
        }
        throw WebProblem.badRequest("Choose a photo to upload, or paste the web address of one.");
    }

    private static Card card(Match m, Links.Query filters) {
        Product p = m.product();
        String thumb = m.imageId() == null ? "" : Links.thumbnail(m.imageId());
        String saving = m.saving() == null ? "" : Money.format(m.saving(), p.currency())
                + (m.savingPercent() == null ? "" : String.format(Locale.ROOT, " (%.0f%%)", m.savingPercent()));
        String matches = m.words() == null ? "" : String.join(", ", m.words().words());
        // every shop's offer, this one's included, when more than one shop sells the item
        List<CardOffer> others = m.offers().size() < 2 ? List.of() : m.offers().stream()
                .map(o -> new CardOffer(o.shop() == null ? "another shop" : o.shop(),
                        Money.format(o.price(), o.currency()), Links.product(o.productId()))).toList();
        String from = others.isEmpty() || m.fromPrice() == null ? "" : Money.format(m.fromPrice(), p.currency());
        return new Card(p.id(), p.name(), Money.format(p.price(), p.currency()), p.shop() == null ? "" : p.shop(),
                p.brand() == null ? "" : p.brand(), thumb, Links.product(p.id()),
                filters.copy().with("like", p.id()).toString(),
                filters.copy().with("like", p.id()).with("cheaper", "true").toString(), saving,
                String.format(Locale.ROOT, "%.3f", m.score()), matches, others, from,
                Boolean.TRUE.equals(m.sameItem()));
    }

    /** Menu entries for the values, each with its result count. */
    private static List<Option> options(List<String> values, String selected, java.util.Map<String, Integer> counts) {
        List<Option> out = new ArrayList<>();
        for (String v : values) {
            int c = counts.getOrDefault(v, 0);
            out.add(new Option(v, v + " (" + c + ")",
                    v.equalsIgnoreCase(Params.text(selected) == null ? "" : selected.strip()), c));
        }
        return out;
    }

    private static List<Option> sorts(String selected) {
        return choices(List.of("relevance", "price", "-price"),
                List.of("Best match", "Price: low to high", "Price: high to low"), selected);
    }

    private static List<Option> modes(String selected) {
        return choices(List.of("both", "look", "words"), List.of("Look and words", "Look only", "Words only"), selected);
    }

    private static List<Option> choices(List<String> values, List<String> labels, String selected) {
        List<Option> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            out.add(new Option(values.get(i), labels.get(i), values.get(i).equals(selected), -1));
        }
        return out;
    }

    /** The shop's page, only when it is an http(s) URL: a {@code javascript:} link must never render. */
    static String shopUrl(String url) {
        if (url == null) {
            return null;
        }
        String lower = url.strip().toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://") ? url.strip() : null;
    }

    private static String capitalised(String s) {
        return s == null || s.isEmpty() ? "" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
